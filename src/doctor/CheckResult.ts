import { redact } from '../ops/redact.js';

/** The outcome of one doctor check: one printed line, and what to do when it failed. */
export interface CheckResult {
  /** Short name of what was checked, e.g. `binance: force orders`. */
  name: string;
  ok: boolean;
  /** What was found (never a secret). */
  detail: string;
  /** What to change, when there is something to change. */
  advice?: string;
  /** True when a failure here means alerts cannot be delivered; only these decide the exit code. Default true. */
  critical?: boolean;
}

/** A check that passed. */
export function pass(name: string, detail: string, advice?: string): CheckResult {
  return advice === undefined ? { name, ok: true, detail } : { name, ok: true, detail, advice };
}

/** A check that failed; `critical: false` for what alerting does not need (e.g. slash commands). */
export function fail(name: string, detail: string, advice: string, options: { critical?: boolean } = {}): CheckResult {
  return { name, ok: false, detail, advice, critical: options.critical ?? true };
}

/** `✔ name: detail` or `✘ name: detail`, then the advice indented, every secret redacted. */
export function formatCheckResult(result: CheckResult): string {
  const mark = result.ok ? '✔' : result.critical === false ? '✘ (not needed for alerts)' : '✘';
  const advice = result.advice ? `\n    → ${result.advice}` : '';
  return redact(`${mark} ${result.name}: ${result.detail}${advice}`);
}

/** 0 when every check alerting needs passed, else 1. */
export function doctorExitCode(results: readonly CheckResult[]): number {
  return results.some((r) => !r.ok && r.critical !== false) ? 1 : 0;
}

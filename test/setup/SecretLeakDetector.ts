import { type KnownSecret, knownSecrets, SECRET_SHAPES, type SecretShape } from './knownSecrets.js';

/** Where a piece of output was written. */
export type OutputChannel = 'stdout' | 'stderr' | 'console' | 'log';

/** One secret found in output; says which secret and where, never the secret itself. */
export interface SecretLeak {
  label: string;
  channel: OutputChannel;
  /** Index of the output chunk (in write order) that held it. */
  chunk: number;
}

/** Thrown by `assertNoLeaks`; its message names the leaked secrets by label only. */
export class SecretLeakError extends Error {
  override readonly name = 'SecretLeakError';
  /** A leak is in the code or the test, not in the moment: running again prints it again. */
  readonly retryable = false;
  readonly leaks: readonly SecretLeak[];

  constructor(leaks: readonly SecretLeak[]) {
    const list = leaks.map((l) => `${l.label} in ${l.channel} (output chunk ${l.chunk})`).join('; ');
    super(`secret printed during this test file: ${list}. Redact it where it is written (src/ops/redact.ts).`);
    this.leaks = leaks;
  }
}

/** Collects output chunks and searches them for known secrets and token shapes. */
export class SecretLeakDetector {
  private readonly chunks: { channel: OutputChannel; text: string }[] = [];

  /** Keeps one chunk of output. */
  record(channel: OutputChannel, text: string): void {
    if (text !== '') this.chunks.push({ channel, text });
  }

  /** How many chunks were recorded. */
  get size(): number {
    return this.chunks.length;
  }

  /** Every known secret or token shape that appears in the recorded output. */
  findLeaks(secrets: readonly KnownSecret[] = knownSecrets(), shapes: readonly SecretShape[] = SECRET_SHAPES): SecretLeak[] {
    const leaks: SecretLeak[] = [];
    this.chunks.forEach(({ channel, text }, chunk) => {
      for (const secret of secrets) if (text.includes(secret.value)) leaks.push({ label: secret.label, channel, chunk });
      for (const shape of shapes) if (shape.pattern.test(text)) leaks.push({ label: shape.label, channel, chunk });
    });
    return leaks;
  }

  /** Throws `SecretLeakError` when any known secret or token shape was printed. */
  assertNoLeaks(secrets?: readonly KnownSecret[]): void {
    const leaks = this.findLeaks(secrets);
    if (leaks.length > 0) throw new SecretLeakError(leaks);
  }
}

import type { ForceOrdersResult } from '../src/queries.js';
import { type ForceOrdersArgs, parseForceOrdersInput } from './parseForceOrdersArgs.js';
import { type ForceOrdersOptions, runForceOrders } from './runForceOrders.js';
import type { ForceOrdersDeps } from './types.js';

export type { ForceOrdersArgs } from './parseForceOrdersArgs.js';

/**
 * `/forceorders` end to end: parse (text from Slack or the console, typed options from Discord),
 * then run; bad input comes back as `reason: 'input'`.
 */
export async function forceOrdersCommand(
  input: string | ForceOrdersArgs,
  deps: ForceOrdersDeps,
  options: ForceOrdersOptions = {},
): Promise<ForceOrdersResult> {
  const parsed = parseForceOrdersInput(input, options.maxSinceMs === undefined ? {} : { maxSinceMs: options.maxSinceMs });
  if (!parsed.ok) return { ok: false, reason: 'input', error: parsed.error, usage: parsed.usage };
  return runForceOrders(parsed.query, deps, options);
}

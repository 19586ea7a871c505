import type { ForceOrdersResult } from '../src/queries.js';
import { parseForceOrdersArgs } from './parseForceOrdersArgs.js';
import { type ForceOrdersOptions, runForceOrders } from './runForceOrders.js';
import type { ForceOrdersDeps } from './types.js';

/** `/forceorders <text>` end to end: parse, then run; bad input comes back as `reason: 'input'`. */
export async function forceOrdersCommand(
  text: string,
  deps: ForceOrdersDeps,
  options: ForceOrdersOptions = {},
): Promise<ForceOrdersResult> {
  const parsed = parseForceOrdersArgs(text, options.maxSinceMs === undefined ? {} : { maxSinceMs: options.maxSinceMs });
  if (!parsed.ok) return { ok: false, reason: 'input', error: parsed.error, usage: parsed.usage };
  return runForceOrders(parsed.query, deps, options);
}

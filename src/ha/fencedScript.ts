import { type Fence, FencedOutError } from './Fence.js';

/**
 * The commands the Redis store and archive send, as node-redis 5 types them (RESP2 or RESP3 alike):
 * a narrow port, so a test or a caller passes any connected client.
 */
export interface RedisCommands {
  get(key: string): Promise<string | null>;
  exists(keys: string[]): Promise<number>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  zRangeByScore(key: string, min: number | string, max: number | string): Promise<string[]>;
  hmGet(key: string, fields: string[]): Promise<(string | null)[]>;
}

/**
 * The first lines of every fenced script: KEYS[1] is the lease, ARGV[1] the value this instance wrote
 * there; anything else in it (a successor's value, or nothing once it expired) and the script returns 0
 * before writing anything. Scripts run atomically, so no write can slip between the check and the write
 * (https://redis.io/docs/latest/develop/interact/programmability/eval-intro/).
 * (The lease helper's src/ha/Lease.ts carries the same check; the two are to be unified.)
 */
const FENCE_CHECK = "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end\n";

/**
 * Runs `body` after the fence check, its own keys from KEYS[2] and arguments from ARGV[2]; resolves
 * with what `body` returns (which must not be 0), or rejects with `FencedOutError` naming `what`.
 */
export async function evalFenced(
  client: RedisCommands,
  fence: Fence,
  what: string,
  body: string,
  keys: readonly string[],
  args: readonly string[],
): Promise<unknown> {
  const reply = await client.eval(FENCE_CHECK + body, { keys: [fence.leaseKey, ...keys], arguments: [fence.value, ...args] });
  if (reply === 0) throw new FencedOutError(what);
  return reply;
}

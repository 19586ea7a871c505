/**
 * Fenced writes: every write of account state to Redis is one Lua script that first checks that the
 * writer still holds the account's lease (`GET leaseKey == value`), so an instance that lost it (paused
 * by GC or SIGSTOP, partitioned) can commit nothing once its successor has taken over.
 *
 * How to use it: `await fencedEval(client, fence, 'the state write of account main', script, { keys, args })`.
 * Write `script` as if it were not fenced: its `KEYS` and `ARGV` are exactly `keys` and `args` (the fence's
 * key and value travel in front of them and are taken off before `script` runs). The check and the write
 * run atomically. A refused write changes nothing and rejects with `FencedOutError`; any other failure
 * (Redis unreachable, an error in `script`) rejects as it came. The resolved value is the script's reply,
 * unchecked: validate it.
 */
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

/** What `fencedEval` needs of a client: `eval`, and a way to give up waiting when a signal is passed. */
export type FencedEvalClient = Pick<RedisCommands, 'eval'> & {
  withAbortSignal?(signal: AbortSignal): Pick<RedisCommands, 'eval'>;
};

/** The error code the fence check replies with; nothing else in a script may use it. */
const FENCED_OUT_CODE = 'FENCEDOUT';

/**
 * The check in front of every fenced script; then `KEYS`/`ARGV` are rebound to the caller's own
 * (copied by a loop, not `unpack`, which fails past Lua's few thousand stack slots).
 */
const FENCE_CHECK = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('${FENCED_OUT_CODE} the lease is not held by this writer')
end
local keys, argv = {}, {}
for i = 2, #KEYS do keys[i - 1] = KEYS[i] end
for i = 2, #ARGV do argv[i - 1] = ARGV[i] end
local KEYS, ARGV = keys, argv
`;

/** The script's inputs, as in node-redis's `eval`, and a signal that abandons the wait for its reply. */
export interface FencedEvalOptions {
  keys?: readonly string[];
  args?: readonly string[];
  signal?: AbortSignal;
}

/**
 * Runs `script` only while `fence` holds; `what` names the write in the `FencedOutError`
 * ("the state write of account main was refused: ...").
 */
export async function fencedEval(
  client: FencedEvalClient,
  fence: Fence,
  what: string,
  script: string,
  { keys = [], args = [], signal }: FencedEvalOptions = {},
): Promise<unknown> {
  const runner = signal && client.withAbortSignal ? client.withAbortSignal(signal) : client;
  try {
    return await runner.eval(FENCE_CHECK + script, { keys: [fence.leaseKey, ...keys], arguments: [fence.value, ...args] });
  } catch (error) {
    if (error instanceof Error && error.message.startsWith(FENCED_OUT_CODE)) throw new FencedOutError(what);
    throw error;
  }
}

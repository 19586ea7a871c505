import { type ForceOrder, orderKey } from '../binance/types.js';
import type { Logger } from '../ops/logger.js';
import type { PipelineArchive } from '../store/PipelineStorage.js';
import { DAY_MS } from '../time.js';
import type { Fence } from './Fence.js';
import { fencedEval, type RedisCommands } from './fencedEval.js';
import type { RedisStoreOptions } from './RedisStoreAdapter.js';

/** Orders per script or read: a script blocks Redis while it runs, so a 10,000-order cascade goes in slices. */
const BATCH = 1_000;

/**
 * Stores each order once (HSETNX on its orderKey) and indexes it by updateTime (fenced: `fencedEval`).
 * KEYS: orders hash, time index; ARGV: orderKey, updateTime, JSON, for each order.
 */
const APPEND_ORDERS = `
for i = 1, #ARGV, 3 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 2]) == 1 then redis.call('ZADD', KEYS[2], ARGV[i + 1], ARGV[i]) end
end
return 1
`;

/** Drops orders with updateTime below ARGV[1] from both keys; returns {dropped}. KEYS: orders hash, time index. */
const DROP_BEFORE = `
local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1])
for i = 1, #old, 1000 do redis.call('HDEL', KEYS[1], unpack(old, i, math.min(i + 999, #old))) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1])
return {#old}
`;

/** Options of `RedisArchive`: the state document's, and what compaction and its log need. The fence guards appends and compactions; reads need none. */
export interface RedisArchiveOptions extends RedisStoreOptions {
  /** Days of orders kept by `compact()`; default 90. */
  archiveDays?: number;
  now: () => number;
  logger: Logger;
}

/** The key of an account's archive (a hash orderKey -> order JSON); its time index is `<key>:time`. */
export function archiveKey(prefix: string, account: string): string {
  return `${prefix}archive:${account}`;
}

/**
 * Every force order an account's leader has seen, in Redis: the orders by orderKey (so the same order
 * appended twice, by a poll and the stream or by a successor re-polling the overlap, is kept once) and
 * a sorted set by updateTime for `/forceorders` and digest windows. Writes are fenced; any instance,
 * a standby too, reads it.
 */
export class RedisArchive implements PipelineArchive {
  private readonly client: RedisCommands;
  private readonly fence: Fence;
  private readonly account: string;
  private readonly keepMs: number;
  private readonly now: () => number;
  private readonly logger: Logger;
  /** The orders hash. */
  readonly key: string;
  private readonly timeKey: string;

  constructor(options: RedisArchiveOptions) {
    this.client = options.client;
    this.fence = options.fence;
    this.account = options.account;
    this.keepMs = (options.archiveDays ?? 90) * DAY_MS;
    this.now = options.now;
    this.logger = options.logger;
    this.key = archiveKey(options.prefix, options.account);
    this.timeKey = `${this.key}:time`;
  }

  /** Appends `orders` (each once by orderKey), in fenced slices; `FencedOutError` once the lease moved on. */
  async append(orders: readonly ForceOrder[]): Promise<void> {
    for (let start = 0; start < orders.length; start += BATCH) {
      const args = orders.slice(start, start + BATCH).flatMap((o) => [orderKey(o), String(o.updateTime), JSON.stringify(o)]);
      await fencedEval(this.client, this.fence, `the archive append of account "${this.account}"`, APPEND_ORDERS, {
        keys: [this.key, this.timeKey],
        args,
      });
    }
  }

  /** Orders with `startTime <= updateTime <= endTime`, each once, oldest first. */
  async read(window: { startTime: number; endTime: number }): Promise<ForceOrder[]> {
    const keys = await this.client.zRangeByScore(this.timeKey, window.startTime, window.endTime);
    const found: ForceOrder[] = [];
    let unreadable = 0;
    for (let start = 0; start < keys.length; start += BATCH) {
      for (const text of await this.client.hmGet(this.key, keys.slice(start, start + BATCH))) {
        const order = parseOrder(text);
        if (order) found.push(order);
        else unreadable += 1;
      }
    }
    if (unreadable > 0) this.logger.warn('skipped unreadable archive entries', { key: this.key, unreadable });
    return found;
  }

  /** Nothing to repair: each append is one script, whole or not at all. */
  async repairTail(): Promise<void> {}

  /** Drops orders older than `archiveDays` (fenced). */
  async compact(): Promise<{ dropped: number }> {
    const cutoff = this.now() - this.keepMs;
    const reply = await fencedEval(this.client, this.fence, `the archive compaction of account "${this.account}"`, DROP_BEFORE, {
      keys: [this.key, this.timeKey],
      args: [String(cutoff)],
    });
    const dropped = Array.isArray(reply) ? Number(reply[0]) : 0;
    this.logger.info('compacted the force-order archive', { key: this.key, dropped });
    return { dropped };
  }
}

/** An order as `append` stored it, or undefined for an entry gone (compacted between the two reads) or not an order. */
function parseOrder(text: string | null): ForceOrder | undefined {
  if (text === null) return undefined;
  try {
    const value = JSON.parse(text) as Partial<ForceOrder> | null;
    if (value && typeof value.symbol === 'string' && Number.isFinite(value.orderId) && Number.isFinite(value.updateTime))
      return value as ForceOrder;
  } catch {
    // counted by the caller
  }
  return undefined;
}

import { type BinanceApi, minuteOf, type SharedWeightLedger, type WeightReservation } from '../binance/WeightLimiter.js';
import { MINUTE_MS } from '../time.js';

/** What the ledger needs of a node-redis 5 client (`createClient` from `redis`): whether it is connected, and raw commands. */
export interface RedisCommandClient {
  readonly isReady: boolean;
  sendCommand(args: readonly string[]): Promise<unknown>;
}

/** Options of `RedisWeightLedger`. */
export interface RedisWeightLedgerOptions {
  /** A connected node-redis client; the ledger never connects nor closes it. */
  client: RedisCommandClient;
  /** FORCEWATCH_REDIS_PREFIX, e.g. `forcewatch:`. */
  prefix: string;
  /** BINANCE_IP_GROUP: the instances that share an egress IP, and so Binance's limit. */
  group: string;
  /** How long a call may wait for Redis before it fails (the limiter then counts alone); default 1000 ms. */
  timeoutMs?: number;
}

/** How long a minute's count outlives its minute: long enough for late answers, short enough to tidy itself. */
const MINUTE_KEY_TTL_MS = 2 * MINUTE_MS;

const DEFAULT_TIMEOUT_MS = 1000;

/*
 * Each is one server-side script, so a check and its write are atomic across instances. Why not bottleneck's
 * Redis clustering: its Lua error handling breaks on Redis 7 (bottleneck issues #205, #212, #219; the fixes
 * #215 and #222 are unmerged, https://github.com/SGrondin/bottleneck/issues/205), and its refills are not
 * aligned to Binance's clock minute anyway (see WeightLimiter). KEYS[1] is the minute's count.
 */

/** ARGV: weight, limit, TTL ms. Returns {1, total} when booked, {0, total} when the weight does not fit. */
const RESERVE_SCRIPT = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local weight = tonumber(ARGV[1])
if used + weight > tonumber(ARGV[2]) then return {0, used} end
used = redis.call('INCRBY', KEYS[1], weight)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, used}`;

/** ARGV: used weight, TTL ms. Raises the count to the used weight when that is higher; returns the count. */
const OBSERVE_SCRIPT = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local seen = tonumber(ARGV[1])
if seen <= used then return used end
redis.call('SET', KEYS[1], seen, 'PX', ARGV[2])
return seen`;

/**
 * The request-weight ledger every forcewatch instance behind one IP shares, in Redis: one counter per API
 * and Binance clock minute, `<prefix>weight:<group>:<api>:<minuteStart>`. Binance counts weight per IP in
 * fixed clock minutes (https://developers.binance.com/docs/derivatives/portfolio-margin/general-info, LIMITS).
 */
export class RedisWeightLedger implements SharedWeightLedger {
  private readonly client: RedisCommandClient;
  private readonly keyPrefix: string;
  private readonly timeoutMs: number;

  constructor(options: RedisWeightLedgerOptions) {
    if (options.group.trim() === '')
      throw new RangeError('the IP group of the weight ledger must not be empty (set BINANCE_IP_GROUP or leave it unset)');
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new RangeError(`timeoutMs must be a positive integer, got ${timeoutMs}`);
    this.client = options.client;
    this.keyPrefix = `${options.prefix}weight:${options.group}:`;
    this.timeoutMs = timeoutMs;
  }

  async reserve(api: BinanceApi, weight: number, limit: number, now: number): Promise<WeightReservation> {
    const minuteStart = minuteOf(now);
    const reply = await this.run(RESERVE_SCRIPT, this.key(api, minuteStart), [weight, limit, MINUTE_KEY_TTL_MS]);
    if (!Array.isArray(reply) || (reply[0] !== 0 && reply[0] !== 1) || typeof reply[1] !== 'number') {
      throw new Error(`the weight ledger's reservation script answered ${JSON.stringify(reply)}, not [0|1, count]: is this Redis?`);
    }
    return reply[0] === 1 ? { booked: true } : { booked: false, retryInMs: minuteStart + MINUTE_MS - now };
  }

  async observe(api: BinanceApi, usedWeight: number, now: number): Promise<void> {
    await this.run(OBSERVE_SCRIPT, this.key(api, minuteOf(now)), [usedWeight, MINUTE_KEY_TTL_MS]);
  }

  private key(api: BinanceApi, minuteStart: number): string {
    return `${this.keyPrefix}${api}:${minuteStart}`;
  }

  /**
   * EVAL of `script` on `key`; fails at once while the client is not connected (node-redis would queue the
   * command until it reconnects) and after `timeoutMs` when Redis does not answer (a hung or paused server).
   */
  private async run(script: string, key: string, args: readonly number[]): Promise<unknown> {
    if (!this.client.isReady) throw new Error('the Redis client is not connected');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    const reply = this.client.sendCommand(['EVAL', script, '1', key, ...args.map(String)]);
    reply.catch(() => {});
    try {
      return await Promise.race([reply, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}

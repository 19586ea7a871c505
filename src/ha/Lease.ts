import { errorMessage } from '../errorCode.js';
/**
 * One account's leadership lease in Redis, and the keeper that runs an instance's terms on it.
 * The timing is client-go's leader election (kubernetes/client-go tools/leaderelection: LeaseDuration,
 * RenewDeadline, RetryPeriod; https://pkg.go.dev/k8s.io/client-go/tools/leaderelection): the leader
 * renews well inside the lease and counts itself leader only until its last successful renewal's start
 * plus the renew deadline, so it stops before Redis can hand the lease to another instance, whatever the
 * clock offset between them (only their rates matter, and 2/3 tolerates one running 1.5 times as fast).
 */
import type { Logger } from '../ops/logger.js';
import { type Clock, systemClock } from '../time.js';
import { type Fence, isFencedOut } from './Fence.js';
import { fencedEval } from './fencedEval.js';
import type { RedisClient } from './redisClient.js';

/** LeaseDuration: how long a lost leader keeps the lease before another may take it (HA_LEASE_MS's default). */
export const LEASE_DURATION_DEFAULT_MS = 10_000;
/** RenewDeadline, as a share of the lease: the leader stops leading this long after its last renewal's start. */
const RENEW_DEADLINE_SHARE = 2 / 3;
/** RetryPeriod, as a share of the lease: how often the leader renews and a standby tries to take over. */
const RETRY_PERIOD_SHARE = 1 / 4;

/** The three numbers of a lease, in ms. */
export interface LeaseTimings {
  leaseMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** The renew deadline and retry period of a lease of `leaseMs`. */
export function leaseTimings(leaseMs: number): LeaseTimings {
  if (!Number.isInteger(leaseMs) || leaseMs < 4)
    throw new RangeError(`a lease lasts a whole number of ms, at least 4 (its retry period is a quarter of it), not ${leaseMs}`);
  return { leaseMs, renewDeadlineMs: Math.floor(leaseMs * RENEW_DEADLINE_SHARE), retryPeriodMs: Math.floor(leaseMs * RETRY_PERIOD_SHARE) };
}

/**
 * Takes the lease only when nobody holds it; the token is the fence counter's next value, so a
 * successor's token is always higher. A counter that is missing (first take-over, or a Redis restart
 * without persistence lost it) is seeded from Redis's clock in ms: take-overs come at most one per retry
 * period, so the seed is higher than any token handed out before.
 * KEYS: lease, fence counter. ARGV: instance id, lease ms. Reply: the lease's value, or nil.
 */
const ACQUIRE_SCRIPT = `if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local token = redis.call('INCR', KEYS[2])
if token == 1 then
  local now = redis.call('TIME')
  token = redis.call('INCRBY', KEYS[2], tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000))
end
local value = ARGV[1] .. ':' .. token
redis.call('SET', KEYS[1], value, 'PX', ARGV[2])
return value`;
/** Renewal and release run fenced: they touch the lease only while it still holds this instance's value. */
const RENEW_SCRIPT = `return redis.call('PEXPIRE', KEYS[1], ARGV[1])`;
const RELEASE_SCRIPT = `return redis.call('DEL', KEYS[1])`;

/** Where an account's lease lives and who competes for it. */
export interface AccountLeaseOptions {
  client: RedisClient;
  /** The key prefix (FORCEWATCH_REDIS_PREFIX), e.g. `forcewatch:`. */
  prefix: string;
  account: string;
  /** This instance's id, unique among the instances; the lease's value is `<instanceId>:<token>`. */
  instanceId: string;
  leaseMs: number;
  /** Default: the system clock. */
  clock?: Clock;
}

/** The key of `account`'s lease under `prefix`; it holds `<instanceId>:<token>` while someone leads. */
export function leaseKey(prefix: string, account: string): string {
  return `${prefix}lease:${account}`;
}

/** The instance a lease's value (`<instanceId>:<token>`) names; undefined for no lease. */
export function leaseHolder(value: string | null | undefined): string | undefined {
  return value?.replace(/:\d+$/, '') ?? undefined;
}

/**
 * One account's lease: `<prefix>lease:<account>` holding `<instanceId>:<token>` (SET NX PX), with the
 * token from `<prefix>fence:<account>`. Every Redis call takes an optional signal to give up waiting.
 */
export class AccountLease {
  readonly account: string;
  readonly leaseKey: string;
  readonly timings: LeaseTimings;
  readonly clock: Clock;
  private readonly client: RedisClient;
  private readonly fenceKey: string;
  private readonly instanceId: string;
  private held: { fence: Fence; until: number } | undefined;

  constructor(options: AccountLeaseOptions) {
    this.account = options.account;
    this.leaseKey = leaseKey(options.prefix, options.account);
    this.fenceKey = `${options.prefix}fence:${options.account}`;
    this.timings = leaseTimings(options.leaseMs);
    this.clock = options.clock ?? systemClock;
    this.client = options.client;
    this.instanceId = options.instanceId;
  }

  /** Takes the lease if nobody holds it: the new term's fence, or undefined when another instance leads. */
  async tryAcquire(signal?: AbortSignal): Promise<Fence | undefined> {
    const start = this.clock.now();
    const runner = signal ? this.client.withAbortSignal(signal) : this.client;
    const value = await runner.eval(ACQUIRE_SCRIPT, {
      keys: [this.leaseKey, this.fenceKey],
      arguments: [this.instanceId, String(this.timings.leaseMs)],
    });
    if (value === null) return undefined;
    if (typeof value !== 'string') throw new Error(`the lease script replied ${JSON.stringify(value)}, not the lease's value`);
    const fence = { leaseKey: this.leaseKey, value };
    this.held = { fence, until: start + this.timings.renewDeadlineMs };
    return fence;
  }

  /**
   * Extends the held lease by a full duration: true when it did, false when the lease is no longer this
   * instance's (expired, taken over). Rejects when Redis could not tell (then `isHeld` runs out by itself).
   */
  async renew(signal?: AbortSignal): Promise<boolean> {
    const held = this.held;
    if (!held) return false;
    const start = this.clock.now();
    try {
      await fencedEval(this.client, held.fence, 'the lease renewal', RENEW_SCRIPT, {
        keys: [this.leaseKey],
        args: [String(this.timings.leaseMs)],
        signal,
      });
    } catch (error) {
      if (!isFencedOut(error)) throw error;
      if (this.held === held) this.held = undefined;
      return false;
    }
    if (this.held === held) held.until = start + this.timings.renewDeadlineMs;
    return true;
  }

  /** Gives the lease up at once (if it is still this instance's): true when it was deleted. */
  async release(signal?: AbortSignal): Promise<boolean> {
    const held = this.held;
    this.held = undefined;
    if (!held) return false;
    try {
      await fencedEval(this.client, held.fence, 'the lease release', RELEASE_SCRIPT, { keys: [this.leaseKey], signal });
      return true;
    } catch (error) {
      if (isFencedOut(error)) return false;
      throw error;
    }
  }

  /** True while this instance may act as leader: until its last successful renewal's start plus the renew deadline. */
  isHeld(now = this.clock.now()): boolean {
    return this.held !== undefined && now < this.held.until;
  }

  /** When `isHeld` turns false unless renewed (epoch ms), or undefined when the lease is not held. */
  get heldUntil(): number | undefined {
    return this.held?.until;
  }
}

/** Why a term ended. */
interface TermEnd {
  reason: string;
  /** See `LeadershipCallbacks.onStoppedLeading`. */
  unproven: boolean;
}

/** What an instance does when a term on a lease starts and ends. Each is awaited before the keeper goes on. */
export interface LeadershipCallbacks {
  /** The term began: lead the account, writing with `fence`. */
  onStartedLeading(fence: Fence): void | Promise<void>;
  /**
   * The term ended (`reason` says why): stop leading; the lease is released once this returns.
   * `unproven`: it ended because no renewal reached Redis before the renew deadline (Redis down, hung, or
   * out of this instance's reach), not because another instance holds the lease or this one stops.
   */
  onStoppedLeading(reason: string, unproven: boolean): void | Promise<void>;
}

/**
 * Runs an instance's terms on one lease: tries to take it every retry period while standing by, renews
 * it every retry period while leading, and ends the term when a renewal finds the lease taken or the
 * renew deadline passes without a successful renewal (Redis unreachable, the process paused). Calls
 * `onStartedLeading` and `onStoppedLeading` once per term, in order, never overlapping. Each Redis call
 * gives up (in real time) when the deadline comes; an acquisition whose reply came too late leaves a lease
 * nobody uses until its PX runs out.
 */
export class LeaseKeeper {
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;
  private leading = false;

  constructor(
    private readonly lease: AccountLease,
    private readonly callbacks: LeadershipCallbacks,
    private readonly logger: Logger,
  ) {}

  /** Starts competing for the lease (once; a stopped keeper stays stopped). */
  start(): void {
    this.running ??= this.run();
  }

  /** Ends the current term (callback, then release) and stops competing; resolves when all that is done. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  /** True only inside a term and before the renew deadline: check it before every act of leadership. */
  get isLeading(): boolean {
    return this.leading && this.lease.isHeld();
  }

  private async run(): Promise<void> {
    const { retryPeriodMs } = this.lease.timings;
    while (!this.stopping.signal.aborted) {
      const fence = await this.lease.tryAcquire(AbortSignal.timeout(retryPeriodMs)).catch((error: unknown) => {
        this.logger.debug('could not try to take the lease', { account: this.lease.account, error: String(error) });
        return undefined;
      });
      if (fence) await this.term(fence);
      await this.pause(retryPeriodMs);
    }
  }

  private async term(fence: Fence): Promise<void> {
    this.leading = true;
    this.logger.info('leading the account', { account: this.lease.account, lease: fence.value });
    let end: TermEnd;
    try {
      await this.callbacks.onStartedLeading(fence);
      end = await this.keep();
    } catch (error) {
      end = { reason: `starting to lead failed: ${errorMessage(error)}`, unproven: false };
    }
    const { reason, unproven } = end;
    this.leading = false;
    this.logger.info('stopped leading the account', { account: this.lease.account, reason });
    try {
      await this.callbacks.onStoppedLeading(reason, unproven);
    } catch (error) {
      this.logger.error('stopping to lead failed', { account: this.lease.account, error });
    }
    await this.lease.release(AbortSignal.timeout(this.lease.timings.retryPeriodMs)).catch((error: unknown) => {
      this.logger.debug('could not release the lease (it expires by itself)', { account: this.lease.account, error: String(error) });
    });
  }

  /** Renews until the term ends; resolves with why it ended. */
  private async keep(): Promise<TermEnd> {
    const { retryPeriodMs, renewDeadlineMs } = this.lease.timings;
    let lastError = 'no renewal ran in time: was the process paused?';
    for (;;) {
      const until = this.lease.heldUntil ?? 0;
      // Wake at the deadline at the latest, so the term ends on time even when every renewal fails.
      await this.pause(Math.min(retryPeriodMs, until - this.lease.clock.now()));
      if (this.stopping.signal.aborted) return { reason: 'this instance is stopping', unproven: false };
      if (!this.lease.isHeld()) {
        return {
          reason: `the lease could not be renewed within its renew deadline of ${renewDeadlineMs} ms (${lastError})`,
          unproven: true,
        };
      }
      try {
        const wait = Math.max(1, (this.lease.heldUntil ?? 0) - this.lease.clock.now());
        if (!(await this.lease.renew(AbortSignal.timeout(wait)))) {
          return { reason: "the lease is no longer this instance's (it expired or another instance took it)", unproven: false };
        }
      } catch (error) {
        lastError = errorMessage(error);
        this.logger.warn('could not renew the lease', { account: this.lease.account, error: lastError });
      }
    }
  }

  /** Waits `ms` on the clock, or less if the keeper is stopped meanwhile. */
  private async pause(ms: number): Promise<void> {
    await this.lease.clock.sleep(Math.max(0, ms), this.stopping.signal).catch(() => {});
  }
}

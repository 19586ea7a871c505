import type { Logger } from '../ops/logger.js';
import type { NoticeSender } from '../sinks/NoticeSender.js';
import type { Sink } from '../sinks/Sink.js';
import { type Clock, formatSpan, formatTime } from '../time.js';

/** Options of `LeaseLossNotices`. */
export interface LeaseLossNoticesOptions {
  account: string;
  /** The account's sinks (stamped with its name, so every notice names the account). */
  sinks: readonly Sink[];
  sender: NoticeSender;
  clock: Clock;
  logger: Logger;
  /** How long the account may go unled before the warning (WATCHDOG_AFTER, as for a blind poller). */
  afterMs: number;
  /** How long after Redis is back to read who leads (HA_LEASE_MS: by then a lease has been taken). */
  settleMs: number;
  /** This instance's name among the instances (`host-pid-id`), said in the notices. */
  instanceId: string;
  /** Who holds the account's lease now (an instance id), undefined: nobody; read once Redis answers again. */
  leader: () => Promise<string | undefined>;
}

/**
 * Tells one account's channels when this instance stopped leading it because Redis went away, and
 * when Redis is back. Every other failure has the watchdog, but the watchdog runs inside the leader's
 * term, and a Redis outage is what ends every term: with Redis unreachable no instance can prove a
 * lease, so nobody polls, streams or delivers for the account, and without this the channel would go
 * quiet exactly when nobody watches.
 *
 * Only the instance that led the account warns, so the team reads one message, not one per instance.
 * It cannot tell a Redis down for everyone from its own link to Redis down (another instance may have
 * taken over), so the warning says both; once its Redis answers again it says who leads the account.
 */
export class LeaseLossNotices {
  private readonly options: LeaseLossNoticesOptions;
  /** Since when the account has been lost to the outage (ms); undefined while it is not. */
  private lostAt: number | undefined;
  /** True once the warning of the current loss was handed to the sender. */
  private warned = false;
  /** The wait for `afterMs` before the warning. */
  private warning: AbortController | undefined;
  /** The wait for `settleMs` after Redis is back, before reading who leads. */
  private settling: AbortController | undefined;

  constructor(options: LeaseLossNoticesOptions) {
    this.options = options;
  }

  /** This instance's term ended while Redis was unreachable: warn after `afterMs` unless someone leads first. */
  lost(): void {
    if (this.lostAt !== undefined) return;
    const { clock, afterMs } = this.options;
    this.lostAt = clock.now();
    const warning = new AbortController();
    this.warning = warning;
    clock.sleep(afterMs, warning.signal).then(
      () => this.warn(),
      () => {}, // someone leads again, or the process stops
    );
  }

  /** This instance leads the account again: nothing to warn of (and a recovery if the warning went out). */
  leading(): void {
    this.recovered(this.options.instanceId);
  }

  /**
   * Redis answers again: once a lease has had time to be taken (`settleMs`), reads who leads. Someone
   * does: the loss is over (with a recovery if the warning went out). Nobody: a warning already out
   * gets its recovery saying so, else the wait for the warning goes on (an account unled that long is
   * unwatched, Redis or not). Redis gone again before the read (it may flap): nothing changes, the next
   * time it is back reads again. This instance leading first ends it at once.
   */
  redisBack(): void {
    if (this.lostAt === undefined || this.settling) return;
    const settling = new AbortController();
    this.settling = settling;
    const { clock, settleMs, leader, logger, account } = this.options;
    clock
      .sleep(settleMs, settling.signal)
      .then(() =>
        leader().then(
          (holder) => ({ read: true, holder }),
          (error: unknown) => {
            logger.debug('could not read who leads the account after Redis came back', { account, error });
            return { read: false, holder: undefined };
          },
        ),
      )
      .then(
        ({ read, holder }) => {
          if (settling.signal.aborted) return;
          this.settling = undefined;
          if (holder !== undefined || (read && this.warned)) this.recovered(holder);
        },
        () => {}, // this instance led again first, or the process stops
      );
  }

  /** Stops waiting (the process is stopping). */
  stop(): void {
    this.warning?.abort();
    this.settling?.abort();
  }

  private warn(): void {
    const { clock, instanceId, sinks, sender, account } = this.options;
    const since = this.lostAt;
    if (since === undefined) return;
    this.warned = true;
    sender.send(sinks, `notice:lease:${account}:${since}:warning`, {
      severity: 'warning',
      title: 'forcewatch may be blind: the leading instance lost Redis',
      text:
        `Instance ${instanceId} led this account until ${formatTime(since)}, when it lost its connection to Redis: ` +
        `for ${formatSpan(clock.now() - since)} it has neither watched Binance nor delivered for it. ` +
        'If Redis is down for every instance, nobody does: no force order is alerted until Redis is back. ' +
        "(If only this instance's link to Redis broke, another instance has taken over.)\n" +
        "What to do: check the Redis in REDIS_URL (is it up, reachable from this host, its password right?) and each instance's /healthz. " +
        'Once Redis is back the leader reads the gap from the exchange, so no force order is lost if Redis kept its data (appendonly yes).',
    });
  }

  private recovered(leader: string | undefined): void {
    const since = this.lostAt;
    const wasWarned = this.warned;
    this.reset();
    if (since === undefined || !wasWarned) return;
    const { clock, instanceId, sinks, sender, account } = this.options;
    const who =
      leader === undefined
        ? 'No instance leads the account yet; one takes its lease within HA_LEASE_MS.'
        : leader === instanceId
          ? 'This instance leads the account again.'
          : `Instance ${leader} leads the account.`;
    sender.send(sinks, `notice:lease:${account}:${since}:recovered`, {
      severity: 'recovered',
      title: 'forcewatch reaches Redis again',
      text:
        `Instance ${instanceId} reaches Redis again after ${formatSpan(clock.now() - since)} (lost at ${formatTime(since)}). ${who} ` +
        'The leader reads the gap from the exchange (if Redis kept its data), so the force orders of the gap are alerted now.',
    });
  }

  private reset(): void {
    this.stop();
    this.warning = undefined;
    this.settling = undefined;
    this.lostAt = undefined;
    this.warned = false;
  }
}

import { backoffDelay } from '../backoff.js';
import type { Logger } from '../ops/logger.js';
import type { ArchiveReader } from '../queries.js';
import { type Clock, DAY_MS, MINUTE_MS } from '../time.js';
import { buildDailyDigest } from './buildDailyDigest.js';
import type { DigestOutbox } from './DigestOutbox.js';
import type { UniMmrLows } from './UniMmrLows.js';

/** Options of `DigestScheduler`. */
export interface DigestSchedulerOptions {
  /** DIGEST_AT as minutes after 00:00 UTC, 0 to 1439. */
  atMinuteOfDay: number;
  digestOutbox: DigestOutbox;
  /** Every force order seen, posted or not. */
  archive: ArchiveReader;
  /** The lowest uniMMR of each hour, as the risk monitor recorded them. */
  uniMmrLows: UniMmrLows;
  clock: Clock;
  logger: Logger;
  /** Called once a digest is in the store: wakes delivery. */
  onQueued: () => void;
  /** How long after DIGEST_AT the digest is built; default `DIGEST_SETTLE_MS`. */
  settleMs?: number;
}

/**
 * A digest is built this long after DIGEST_AT, its window still ending at DIGEST_AT: an order of the
 * window's last seconds reaches the archive only with the next poll (5 s) or its reconciliation (the
 * 60 s overlap), and a digest built at once would leave it out.
 */
export const DIGEST_SETTLE_MS = 90_000;

/** Backoff of a digest that could not be built or queued (the archive unreadable, the store unwritable). */
const RETRY = { baseMs: 1_000, capMs: 5 * MINUTE_MS };

/** The UTC date (`YYYY-MM-DD`) of an instant. */
function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The latest DIGEST_AT at or before `now` (ms). */
function latestDigestTime(now: number, atMinuteOfDay: number): number {
  const today = Math.floor(now / DAY_MS) * DAY_MS + atMinuteOfDay * MINUTE_MS;
  return today <= now ? today : today - DAY_MS;
}

/**
 * Posts each account's daily digest at DIGEST_AT (built `settleMs` later), exactly once. At start-up
 * and at every DIGEST_AT it takes the latest DIGEST_AT whose settling time has passed (`due`, whose
 * UTC date is the digest's day) and compares it with the store's `lastDay`:
 * - `lastDay` null (a new store, one migrated, the digest just turned on): the day was not watched,
 *   so it is only marked done; the first digest comes at the next DIGEST_AT;
 * - `lastDay` before the day: the digest of the 24 hours ending at `due` is built from the archive and
 *   queued with `lastDay` in one write; a bot that was down at DIGEST_AT posts it when it starts
 *   (the latest missed day only: older ones are stale news);
 * - otherwise the day is done, queued before a restart: the outbox delivers what it holds.
 */
export class DigestScheduler {
  private readonly o: DigestSchedulerOptions;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(options: DigestSchedulerOptions) {
    if (!Number.isInteger(options.atMinuteOfDay) || options.atMinuteOfDay < 0 || options.atMinuteOfDay >= 24 * 60) {
      throw new RangeError(`atMinuteOfDay must be a whole number of minutes from 0 to 1439, got ${options.atMinuteOfDay}`);
    }
    this.o = options;
  }

  /** Queues a digest that is due (or marks a day not watched) and schedules the next one. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops; resolves once a digest being built is queued or given up. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  /** Builds and queues the digest due now, if any; resolves false when nothing was due. For tests and the loop. */
  async queueDue(): Promise<boolean> {
    const { clock, digestOutbox, archive, uniMmrLows, logger, onQueued } = this.o;
    const to = this.due(clock.now());
    const day = utcDay(to);
    const last = digestOutbox.lastDay;
    if (last !== null && last >= day) return false;
    if (last === null) {
      await digestOutbox.commit(day, undefined, clock.now());
      logger.info('daily digest on; this store did not watch the day ending at the last DIGEST_AT, so the first digest comes at the next', {
        skippedDay: day,
        next: new Date(to + DAY_MS).toISOString(),
      });
      return false;
    }
    const from = to - DAY_MS;
    // The archive's window includes its end; the digest's does not, and `buildDailyDigest` drops an order at `to`.
    const orders = await archive.read({ startTime: from, endTime: to });
    const digest = buildDailyDigest({ day, from, to, orders, lowestUniMmr: uniMmrLows.lowest(from, to) });
    await digestOutbox.commit(day, digest, clock.now());
    logger.info('daily digest queued', { day, count: digest.count, late: clock.now() - to > this.settleMs + MINUTE_MS });
    onQueued();
    return true;
  }

  private get settleMs(): number {
    return this.o.settleMs ?? DIGEST_SETTLE_MS;
  }

  /** The DIGEST_AT of the latest digest due at `now`: the latest one at least `settleMs` ago. */
  private due(now: number): number {
    return latestDigestTime(now - this.settleMs, this.o.atMinuteOfDay);
  }

  private async run(): Promise<void> {
    const { clock, logger } = this.o;
    const stop = this.stopping.signal;
    let failures = 0;
    while (!stop.aborted) {
      let wait: number;
      try {
        await this.queueDue();
        failures = 0;
        const now = clock.now();
        wait = this.due(now) + DAY_MS + this.settleMs - now;
      } catch (error) {
        failures += 1;
        wait = backoffDelay(failures, { ...RETRY, jitter: 'equal' });
        logger.error('could not build or queue the daily digest; retrying', { error, attempts: failures, retryInMs: wait });
      }
      await clock.sleep(wait, stop).catch(() => {});
    }
  }
}

import { FORCE_ORDER_WINDOW_MS, type ForceOrderSource } from '../binance/types.js';
import type { Logger } from '../ops/logger.js';
import type { Sink } from '../sinks/Sink.js';
import { fileStorage, type OpenedStorage, type PipelineArchive, type PipelineStorage } from '../store/PipelineStorage.js';
import type { StateStore } from '../store/StateStore.js';
import { type Clock, DAY_MS, MINUTE_MS, systemClock } from '../time.js';
import { DeliveryDispatcher, type RetryPolicy } from './DeliveryDispatcher.js';
import { DigestOutbox } from './DigestOutbox.js';
import { DigestScheduler } from './DigestScheduler.js';
import { EventBus } from './EventBus.js';
import { DEFAULT_POLL_INTERVAL_MS, ForceOrderPoller, type PollResult } from './ForceOrderPoller.js';
import { Outbox } from './Outbox.js';
import { type AccountReader, RiskMonitor } from './RiskMonitor.js';
import { RiskOutbox } from './RiskOutbox.js';
import { type PipelineStream, StreamSource } from './StreamSource.js';
import { UniMmrLows } from './UniMmrLows.js';
import { Watchdog } from './Watchdog.js';

/** The longest backfill on first start: the exchange's force-order window is 7 days. */
export const MAX_BACKFILL_MS = FORCE_ORDER_WINDOW_MS;

/** Everything the pipeline needs, in one object. */
export interface PipelineOptions {
  source: ForceOrderSource;
  /**
   * The lowdb JSON file; the lock (`.lock`) and, by default, the archive (`.archive.jsonl`) sit beside it.
   * Used by the default storage only: with `storage`, the state lives where it says.
   */
  storePath: string;
  /** Where the state and the archive live; default `fileStorage` on `storePath` and `archivePath`. */
  storage?: PipelineStorage;
  sinks: readonly Sink[];
  logger: Logger;
  /** Default the system clock. */
  clock?: Clock;
  /** Time between polls; default 5000. */
  pollIntervalMs?: number;
  /** Re-queried overlap before the watermark; default 60000. */
  overlapMs?: number;
  /** The exchange's current time as the Binance client measures it; default the clock. Polls window by it. */
  exchangeNow?: () => number;
  /** On first start only, alert orders from this long ago (at most 7 days); default 0: no replay. */
  backfillMs?: number;
  /**
   * The account this pipeline watches: the store records it and refuses to open for another (a renamed
   * account, a store file moved by hand); default none: the store is not checked.
   */
  account?: string;
  /** Force orders below this USD notional are archived (and answered by /forceorders) but not posted; default: all posted. */
  minNotionalUsd?: string;
  /** More than this many alerts at once become one group; default 5. */
  groupThreshold?: number;
  /** Days of orders the archive keeps; default 90. */
  archiveDays?: number;
  /** Default `<storePath>.archive.jsonl` (default storage only). */
  archivePath?: string;
  /** Delivery backoff; default 1 s doubling to 60 s. */
  retry?: Partial<RetryPolicy>;
  /** Polling or a sink failing for this long gets an operational notice to the sinks; default 2 minutes (WATCHDOG_AFTER). */
  watchdogAfterMs?: number;
  /** The user data stream as the primary source, REST reconciling (BINANCE_STREAM=on); default none: polling only. */
  stream?: PipelineStream;
  /**
   * Risk alerts: the stream's `riskLevelChange` events, and `GET /papi/v1/account` for "back to normal"
   * and the early warning below `warnUniMmr` (RISK_WARN_UNIMMR); default none: no risk alerts.
   */
  risk?: { account: AccountReader; warnUniMmr?: string };
  /**
   * The daily digest (DIGEST_AT): the last 24 hours' force orders and lowest uniMMR, posted once a
   * day for the window ending at `atMinuteOfDay` minutes after 00:00 UTC (0 to 1439), built
   * `DIGEST_SETTLE_MS` (90 s) later. The lowest uniMMR needs `risk` (its account reader); default
   * none: no digest.
   */
  digest?: { atMinuteOfDay: number };
}

/** The running parts, created by `start()`. */
interface Running {
  opened: OpenedStorage;
  store: StateStore;
  poller: ForceOrderPoller;
  dispatcher: DeliveryDispatcher;
  watchdog: Watchdog;
  stream: StreamSource | undefined;
  risk: RiskMonitor | undefined;
  digest: DigestScheduler | undefined;
  /** Unsubscribes the risk monitor from the stream. */
  offRisk: (() => void) | undefined;
  compaction: AbortController;
  compactionLoop: Promise<void>;
}

/**
 * The alert pipeline: lock the store, read it, then poll -> diff -> archive + outbox -> per-sink
 * delivery, woken by the poller directly; the bus only tells metrics, health, logs and the watchdog
 * (operational notices when polling or a sink keeps failing). `start()` refuses a store another live
 * process holds or that is corrupt; once started, nothing the exchange answers stops it.
 */
export class Pipeline {
  /** Events for metrics and the health check. */
  readonly bus: EventBus;
  /** Every order seen, for `/forceorders` windows older than the exchange serves. */
  readonly archive: PipelineArchive;
  /** Resolves once the poller has ended, after `stop()`; a refused key does not end it (it retries once a minute). */
  done: Promise<void> = Promise.resolve();
  private readonly options: PipelineOptions;
  private readonly clock: Clock;
  private readonly storage: PipelineStorage;
  private running: Running | undefined;

  constructor(options: PipelineOptions) {
    const backfill = options.backfillMs ?? 0;
    if (!(backfill >= 0 && backfill <= MAX_BACKFILL_MS)) {
      throw new RangeError(`backfillMs must be between 0 and ${MAX_BACKFILL_MS} (7 days), got ${backfill}`);
    }
    const names = options.sinks.map((s) => s.name);
    if (new Set(names).size !== names.length) throw new Error(`sink names must be unique, got ${names.join(', ')}`);
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.bus = new EventBus(options.logger);
    this.storage =
      options.storage ??
      fileStorage({
        storePath: options.storePath,
        archivePath: options.archivePath,
        archiveDays: options.archiveDays,
        now: () => this.clock.now(),
        logger: options.logger,
      });
    this.archive = this.storage.archive;
  }

  /** Takes the storage (the lock), opens the store and the archive, and starts polling and delivering. */
  async start(): Promise<void> {
    if (this.running) return;
    const { options, clock, bus } = this;
    const logger = options.logger;
    const exchangeNow = options.exchangeNow?.() ?? clock.now();
    const opened = await this.storage.open({
      createAt: exchangeNow - (options.backfillMs ?? 0),
      account: options.account,
      logger,
      now: () => clock.now(),
    });
    try {
      const store = opened.store;
      const outbox = new Outbox(
        store,
        options.sinks.map((s) => s.name),
        { minNotionalUsd: options.minNotionalUsd },
      );
      await outbox.prune();
      const sinkNames = options.sinks.map((s) => s.name);
      const riskOutbox = new RiskOutbox(store, sinkNames);
      await riskOutbox.prune();
      // Always there, so a digest queued before the digest was turned off is still delivered.
      const digestOutbox = new DigestOutbox(store, sinkNames);
      await digestOutbox.prune();
      await this.archive.repairTail();
      await this.archive.compact();
      const dispatcher = new DeliveryDispatcher({ ...options, outbox, riskOutbox, digestOutbox, bus, clock, logger });
      const onQueued = () => dispatcher.notify();
      // The digest's hours start at DIGEST_AT's minute, so its window is whole hours of uniMMR lows.
      const uniMmrLows = options.digest && new UniMmrLows(store, (options.digest.atMinuteOfDay % 60) * MINUTE_MS);
      const digest =
        options.digest &&
        uniMmrLows &&
        new DigestScheduler({
          ...options.digest,
          digestOutbox,
          archive: this.archive,
          uniMmrLows,
          clock,
          logger: logger.child({ component: 'digest' }),
          onQueued,
        });
      const riskLogger = logger.child({ component: 'risk' });
      const risk = options.risk && new RiskMonitor({ ...options.risk, riskOutbox, uniMmrLows, clock, logger: riskLogger, onQueued });
      const offRisk =
        risk &&
        options.stream?.stream.on('risk', (event) => {
          risk.take(event).catch((error: unknown) => riskLogger.error('a riskLevelChange could not be taken', { error }));
        });
      const poller = new ForceOrderPoller({ ...options, store, outbox, archive: this.archive, bus, clock, logger, onQueued });
      const watchdog = new Watchdog({ sinks: options.sinks, bus, clock, logger, afterMs: options.watchdogAfterMs });
      const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
      const stream =
        options.stream &&
        new StreamSource({ ...options.stream, outbox, archive: this.archive, bus, clock, logger, onQueued, poller, pollIntervalMs });
      const compaction = new AbortController();
      this.running = {
        opened,
        store,
        poller,
        dispatcher,
        watchdog,
        stream,
        risk,
        digest,
        offRisk,
        compaction,
        compactionLoop: this.compactDaily(compaction.signal),
      };
      watchdog.start();
      dispatcher.start();
      this.done = poller.start();
      stream?.start();
      risk?.start();
      digest?.start();
    } catch (error) {
      await opened.release();
      throw error;
    }
  }

  /** Stops polling and delivering (each finishes its current step), flushes the store, releases the lock. */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    running.compaction.abort();
    running.offRisk?.();
    await Promise.all([
      running.risk?.stop(),
      running.digest?.stop(),
      running.stream?.stop(),
      running.poller.stop(),
      running.dispatcher.stop(),
      running.watchdog.stop(),
      running.compactionLoop,
    ]);
    await running.store.flush();
    await running.opened.release();
  }

  /** Runs one poll now (for tests and the demo); requires `start()`. */
  pollOnce(): Promise<PollResult> {
    if (!this.running) return Promise.reject(new Error('the pipeline is not started'));
    return this.running.poller.pollOnce();
  }

  /** Every symbol the account has had a force order on, sorted (for autocomplete). */
  knownSymbols(): string[] {
    return [...(this.running?.store.data.symbols ?? [])];
  }

  private async compactDaily(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.clock.sleep(DAY_MS, signal);
        await this.archive.compact();
      } catch (error) {
        if (!signal.aborted) this.options.logger.error('archive compaction failed; retrying tomorrow', { error });
      }
    }
  }
}

import type { ScopedAccount } from '../../commands/accountScope.js';
import type { AccountConfig } from '../accounts/AccountConfig.js';
import type { CoreConfig } from '../config.js';
import { HealthState } from '../ops/HealthState.js';
import type { Logger } from '../ops/logger.js';
import type { EventBus } from '../pipeline/EventBus.js';
import { Pipeline, type PipelineOptions } from '../pipeline/Pipeline.js';
import type { ArchiveReader } from '../queries.js';
import type { Sink } from '../sinks/Sink.js';
import { type Clock, MINUTE_MS } from '../time.js';
import type { AccountExchange } from './accountExchange.js';
import { pipelineStream } from './pipelineStream.js';

/** The bot counts as stuck when no poll succeeded for this many intervals (or a minute, if longer). */
const STALE_POLLS = 3;

/** Wired to each term's bus; may return what to undo when the term ends. */
export type TermHookup = (bus: EventBus) => (() => void) | undefined;

/** What one account's runner is made of. */
export interface AccountRunnerOptions {
  core: CoreConfig;
  config: AccountConfig;
  scope: ScopedAccount;
  exchange: AccountExchange;
  /** Its sinks: each platform's sink of its channel, stamped with the account. */
  sinks: Sink[];
  /** Where its store and archive files are (the default storage, without high availability). */
  paths: { storePath: string; archivePath: string };
  logger: Logger;
  clock: Clock;
}

/**
 * One account of the bot: its settings, exchange side, sinks and health, and the pipeline that watches
 * it while this process leads it. Without high availability it leads from start to stop; with it, one
 * term per lease: `lead` starts a pipeline on the storage the lease's fence guards, `standBy` stops it.
 * What watches the pipeline (metrics, health, the heartbeat) is wired again at each term.
 */
export class AccountRunner {
  readonly name: string;
  readonly scope: ScopedAccount;
  readonly exchange: AccountExchange;
  readonly health: HealthState;
  private readonly options: AccountRunnerOptions;
  private readonly hookups: TermHookup[] = [];
  /** What the current term's hookups undo when it ends. */
  private termCleanups: (() => void)[] = [];
  private term: Pipeline | undefined;
  private archiveReader: ArchiveReader | undefined;

  constructor(options: AccountRunnerOptions) {
    this.options = options;
    this.name = options.config.name;
    this.scope = options.scope;
    this.exchange = options.exchange;
    this.health = accountHealth(options.core, options.clock);
  }

  /** Its sinks: each platform's sink of its channel, stamped with the account. */
  get sinks(): readonly Sink[] {
    return this.options.sinks;
  }

  /** The pipeline of the current term; undefined while another instance leads the account. */
  get pipeline(): Pipeline | undefined {
    return this.term;
  }

  /** What `/forceorders` reads past the exchange's 7 days: the current term's archive, or the one given for standby. */
  get archive(): ArchiveReader {
    const archive = this.term?.archive ?? this.archiveReader;
    if (!archive) throw new Error(`account ${this.name} has no archive to read: it is not started`);
    return archive;
  }

  /** The archive a standby answers commands from (high availability: the shared one in Redis). */
  useArchiveReader(reader: ArchiveReader): void {
    this.archiveReader = reader;
  }

  /** Symbols the account has had force orders on (the current term's store), for autocomplete. */
  knownSymbols(): string[] {
    return this.term?.knownSymbols() ?? [];
  }

  /** Wires `hookup` to the bus of every term, this one and those to come; what it returns runs when the term ends. */
  onEachTerm(hookup: TermHookup): void {
    this.hookups.push(hookup);
    if (this.term) this.hook(hookup, this.term.bus);
  }

  private hook(hookup: TermHookup, bus: EventBus): void {
    const cleanup = hookup(bus);
    if (cleanup) this.termCleanups.push(cleanup);
  }

  /**
   * Creates the term's pipeline (not started: `start` it), `storage` overriding today's files; the
   * term's bus gets every hookup.
   */
  prepare(storage: Partial<PipelineOptions> = {}): Pipeline {
    if (this.term) throw new Error(`account ${this.name} already has a running pipeline`);
    const pipeline = new Pipeline({ ...this.pipelineOptions(), ...storage });
    this.term = pipeline;
    for (const hookup of this.hookups) this.hook(hookup, pipeline.bus);
    return pipeline;
  }

  /** Prepares and starts a term; a failed start leaves no term behind. */
  async lead(storage: Partial<PipelineOptions> = {}): Promise<Pipeline> {
    const pipeline = this.prepare(storage);
    try {
      await pipeline.start();
    } catch (error) {
      this.term = undefined;
      throw error;
    }
    return pipeline;
  }

  /** Ends the term: the pipeline finishes its step, flushes, releases; nothing when there is none. */
  async standBy(): Promise<void> {
    const pipeline = this.term;
    this.term = undefined;
    await pipeline?.stop();
    for (const cleanup of this.termCleanups.splice(0)) cleanup();
  }

  /** The pipeline's options as the settings ask: files beside FORCEWATCH_DB, its sinks, its stream and risk. */
  private pipelineOptions(): PipelineOptions {
    const { core, config, exchange, sinks, paths, logger, clock } = this.options;
    return {
      source: exchange.source,
      storePath: paths.storePath,
      archivePath: paths.archivePath,
      archiveDays: core.store.archiveDays,
      sinks,
      logger,
      clock,
      pollIntervalMs: core.poll.intervalMs,
      overlapMs: core.poll.overlapMs,
      backfillMs: core.poll.backfillMs,
      groupThreshold: core.alerts.groupThreshold,
      account: config.name,
      minNotionalUsd: config.minNotionalUsd,
      exchangeNow: exchange.exchangeNow,
      watchdogAfterMs: core.health.watchdogAfterMs,
      stream: pipelineStream(core, config.markets, exchange.userStream, clock, logger),
      // Risk alerts need the account read for "back to normal" and the early warning: with `/risk`'s reader.
      risk: exchange.account && { account: exchange.account, warnUniMmr: core.risk.warnUniMmr },
      ...(core.digest.atMinuteOfDay !== undefined && { digest: { atMinuteOfDay: core.digest.atMinuteOfDay } }),
    };
  }
}

/** An account's health: stuck after STALE_POLLS of its slowest poll interval, a sink down after WATCHDOG_AFTER. */
function accountHealth(core: CoreConfig, clock: Clock): HealthState {
  // While the stream is open REST polls only every RECONCILE_INTERVAL_MS: that is not a stuck poller.
  const slowestPollMs = core.stream.enabled ? Math.max(core.poll.intervalMs, core.stream.reconcileIntervalMs) : core.poll.intervalMs;
  const staleAfterMs = Math.max(STALE_POLLS * slowestPollMs, MINUTE_MS);
  return new HealthState(() => clock.now(), staleAfterMs, core.health.watchdogAfterMs);
}

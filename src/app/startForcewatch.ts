import { type ForceOrdersArgs, forceOrdersCommand } from '../../commands/forceOrdersCommand.js';
import { type RiskArgs, type RiskDeps, riskCommand } from '../../commands/riskCommand.js';
import type { ForceOrderSource } from '../binance/types.js';
import { type CoreConfig, parseCoreConfig } from '../config.js';
import { ConsoleSink } from '../console/ConsoleSink.js';
import { createDiscordAdapter } from '../discord/createDiscordAdapter.js';
import { type DiscordConfig, parseDiscordConfig } from '../discord/DiscordConfig.js';
import { errorMessage } from '../errorCode.js';
import { HealthState } from '../ops/HealthState.js';
import { Heartbeat } from '../ops/Heartbeat.js';
import type { Logger } from '../ops/logger.js';
import { Metrics } from '../ops/Metrics.js';
import { redact } from '../ops/redact.js';
import { type OpsServer, startOpsServer } from '../ops/startOpsServer.js';
import type { EventBus } from '../pipeline/EventBus.js';
import { Pipeline } from '../pipeline/Pipeline.js';
import type { ForceOrdersResult, RiskResult } from '../queries.js';
import { deliveryFailureReason, type Sink } from '../sinks/Sink.js';
import { createSlackAdapter } from '../slack/createSlackAdapter.js';
import { parseSlackConfig, type SlackConfig } from '../slack/slackConfig.js';
import { type Clock, DAY_MS, MINUTE_MS, systemClock } from '../time.js';
import { AdapterConnection, type ChatAdapter, type SinkState } from './AdapterConnection.js';
import { pipelineStream, type UserStreamAccess } from './pipelineStream.js';

/** Every setting of the bot: the core's and each configured chat platform's. */
export interface Settings {
  core: CoreConfig;
  /** Absent when no SLACK_* variable is set. */
  slack?: SlackConfig;
  /** Absent when no DISCORD_* variable is set. */
  discord?: DiscordConfig;
}

/** Reads the whole environment at once, so the operator sees every problem in one go. */
export function loadSettings(env: NodeJS.ProcessEnv): { ok: true; settings: Settings } | { ok: false; errors: string[] } {
  const core = parseCoreConfig(env);
  const slack = parseSlackConfig(env);
  const discord = parseDiscordConfig(env);
  const errors = [core, slack, discord].flatMap((result) => (result.ok ? [] : result.errors));
  if (!core.ok || !slack.ok || !discord.ok) return { ok: false, errors };
  return { ok: true, settings: { core: core.config, slack: slack.config, discord: discord.config } };
}

/** The bot counts as stuck when no poll succeeded for this many intervals (or a minute, if longer). */
const STALE_POLLS = 3;

/** What `startForcewatch` needs besides the settings. */
export interface ForcewatchOptions {
  settings: Settings;
  /** What the poller watches (one market, or several merged). */
  source: ForceOrderSource;
  /** What `/forceorders` asks (COIN-M: the command speaks COIN-M symbols and pairs). */
  commandSource: ForceOrderSource;
  /** What `/risk` reads (the Binance client's `account()`); absent: the chat platforms offer no `/risk`. */
  account?: RiskDeps['account'];
  logger: Logger;
  clock?: Clock;
  /**
   * Binance's time (the client's `serverNow`). Poll windows end at the exchange's now, not ours: with our
   * clock minutes ahead, windows would run past orders still to come and treat them as history.
   */
  exchangeNow?: () => number;
  /** The sink used when no chat platform is configured; default a `ConsoleSink` on stdout. */
  fallbackSink?: Sink;
  /**
   * A shutdown requested during start-up (SIGTERM): the chat platforms' attempts end and the start
   * returns without waiting for them; the caller then stops the bot.
   */
  signal?: AbortSignal;
  /** The metrics `/metrics` serves; default a new registry. Given, it can take the Binance client's used weight too. */
  metrics?: Metrics;
  /** The Binance client's user data stream side; with BINANCE_STREAM on, force orders come by push and REST reconciles. */
  userStream?: UserStreamAccess;
}

/** The running bot. */
export interface Forcewatch {
  readonly pipeline: Pipeline;
  /** `/forceorders <text>`, as every adapter runs it. */
  runForceOrders(text: string): Promise<ForceOrdersResult>;
  /** `/risk <text>`, as every adapter runs it; absent without `account`. */
  runRisk?: (text: string) => Promise<RiskResult>;
  /** Base URL of `/healthz` and `/metrics`, when METRICS_PORT is set. */
  readonly opsUrl: string | undefined;
  /** Resolves when polling ends, after `stop()`; a refused key does not end it (retried once a minute, /healthz 503). */
  readonly done: Promise<void>;
  /** Finishes the current step, flushes the store, disconnects, releases the lock. */
  stop(): Promise<void>;
}

/**
 * How long the start waits for the chat platforms' first attempts before it says it has started (so
 * the line says which sinks are connecting or off); their attempts go on in the background after it.
 */
const FIRST_ATTEMPT_WAIT_MS = 5_000;

/**
 * Wires the parts: store lock first (so a second instance is refused before it connects to any chat),
 * then the ops server, then the chat adapters in the background, so a platform that is down at boot
 * silences only itself (AdapterConnection). Any failure on the way undoes what was started.
 */
export async function startForcewatch(options: ForcewatchOptions): Promise<Forcewatch> {
  const { settings, logger, clock = systemClock } = options;
  const { core } = settings;
  const mentionNotionalUsd = core.alerts.mentionNotionalUsd;
  const maxSinceMs = core.store.archiveDays * DAY_MS;
  let pipeline: Pipeline | undefined;
  const runForceOrders = (input: string | ForceOrdersArgs) => {
    if (!pipeline) throw new Error('forcewatch is not started');
    const deps = {
      exchange: options.commandSource,
      archive: pipeline.archive,
      now: () => clock.now(),
      logger: logger.child({ component: 'forceorders' }),
    };
    return forceOrdersCommand(input, deps, { maxSinceMs });
  };
  const { account } = options;
  // Both books, whichever BINANCE_MARKETS watches: an open position's ADL risk is the account's either way.
  const riskDeps: RiskDeps | undefined = account && {
    account,
    markets: ['cm', 'um'],
    now: () => clock.now(),
    logger: logger.child({ component: 'risk' }),
  };
  const runRisk = riskDeps && ((input: string | RiskArgs) => riskCommand(input, riskDeps));

  const adapters: ChatAdapter[] = [];
  if (settings.slack)
    adapters.push(createSlackAdapter({ config: settings.slack, logger, runForceOrders, runRisk, mentionNotionalUsd, clock }));
  if (settings.discord) {
    adapters.push(
      createDiscordAdapter({
        config: settings.discord,
        logger,
        runForceOrders,
        runRisk,
        maxSinceMs,
        mentionNotionalUsd,
        clock,
        knownSymbols: () => pipeline?.knownSymbols() ?? [],
      }),
    );
  }
  const connections = adapters.map((adapter) => new AdapterConnection({ adapter, logger, clock }));
  const sinks = connections.length > 0 ? connections.map((c) => c.sink) : [options.fallbackSink ?? new ConsoleSink()];

  const started = new Pipeline({
    source: options.source,
    storePath: core.store.path,
    archivePath: core.store.archivePath,
    archiveDays: core.store.archiveDays,
    sinks,
    logger,
    clock,
    pollIntervalMs: core.poll.intervalMs,
    overlapMs: core.poll.overlapMs,
    backfillMs: core.poll.backfillMs,
    groupThreshold: core.alerts.groupThreshold,
    exchangeNow: options.exchangeNow,
    watchdogAfterMs: core.health.watchdogAfterMs,
    stream: pipelineStream(core, options.userStream, clock, logger),
    // Risk alerts need the account read for "back to normal" and the early warning: with `/risk`'s reader.
    risk: account && { account, warnUniMmr: core.risk.warnUniMmr },
  });
  pipeline = started;
  const metrics = options.metrics ?? new Metrics();
  // While the stream is open REST polls only every RECONCILE_INTERVAL_MS: that is not a stuck poller.
  const slowestPollMs = core.stream.enabled ? Math.max(core.poll.intervalMs, core.stream.reconcileIntervalMs) : core.poll.intervalMs;
  const staleAfterMs = Math.max(STALE_POLLS * slowestPollMs, MINUTE_MS);
  const health = new HealthState(() => clock.now(), staleAfterMs, core.health.watchdogAfterMs);
  wireMetrics(started.bus, metrics, health);
  const { heartbeatUrl } = core.health;
  const heartbeat = heartbeatUrl
    ? new Heartbeat({ url: heartbeatUrl, clock, logger: logger.child({ component: 'heartbeat' }) })
    : undefined;
  if (heartbeat) started.bus.on('pollSucceeded', () => heartbeat.pollSucceeded());

  await started.start();
  let ops: OpsServer | undefined;
  const stop = async () => {
    await Promise.allSettled(connections.map((c) => c.stop()));
    await started.stop();
    await Promise.all([ops?.close(), heartbeat?.stop()]);
  };
  try {
    if (core.metrics.port !== undefined) {
      ops = await startOpsServer({ port: core.metrics.port, host: core.metrics.host, health, metrics });
      logger.info('health and metrics listening', { url: ops.url });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  for (const connection of connections) connection.start(options.signal);
  if (connections.length > 0) await firstAttempts(connections, clock, options.signal);
  const named = (status: SinkState) => connections.filter((c) => c.status === status).map((c) => c.sink.name);
  logger.info('forcewatch started', {
    sinks: sinks.map((s) => s.name),
    connecting: named('verifying'),
    off: named('off'),
    markets: core.binance.markets,
    pollIntervalMs: core.poll.intervalMs,
  });
  return { pipeline: started, runForceOrders, runRisk, opsUrl: ops?.url, done: started.done, stop };
}

/** Resolves once every connection's first attempt has ended, after `FIRST_ATTEMPT_WAIT_MS` at most, or when `signal` aborts. */
async function firstAttempts(connections: readonly AdapterConnection[], clock: Clock, signal: AbortSignal | undefined): Promise<void> {
  const waited = new AbortController();
  const timeout = clock.sleep(FIRST_ATTEMPT_WAIT_MS, signal ? AbortSignal.any([signal, waited.signal]) : waited.signal).catch(() => {});
  await Promise.race([Promise.all(connections.map((c) => c.firstAttempt)), timeout]);
  waited.abort();
}

/** Short, secret-free words for a poll or delivery failure, as `/healthz` shows them. */
function reasonOf(error: unknown): string {
  return redact(errorMessage(error)).slice(0, 200);
}

/** Feeds the pipeline's events into the Prometheus metrics and the health state. */
function wireMetrics(bus: EventBus, metrics: Metrics, health: HealthState): void {
  bus.on('pollSucceeded', ({ at, newOrders, weight }) => {
    metrics.polls.inc();
    metrics.ordersSeen.inc(newOrders);
    metrics.weightUsed.inc(weight);
    metrics.lastSuccessfulPoll.set(at / 1000);
    health.pollSucceeded(at);
  });
  bus.on('pollFailed', ({ error }) => {
    metrics.pollFailures.inc();
    health.pollFailed(reasonOf(error));
  });
  bus.on('delivered', ({ sink, alertIds, latencyMs }) => {
    metrics.alertsDelivered.inc({ sink }, alertIds.length);
    for (const ms of latencyMs) metrics.deliveryLatency.observe({ sink }, ms / 1000);
    health.delivered(sink);
  });
  bus.on('deliveryFailed', ({ sink, error }) => {
    metrics.deliveryFailures.inc({ sink, reason: deliveryFailureReason(error) });
    health.deliveryFailed(sink, reasonOf(error));
  });
  bus.on('streamState', ({ state, reason }) => {
    metrics.streamOpen.set(state === 'open' ? 1 : 0);
    health.streamChanged(state, reason);
  });
  bus.on('outboxDepth', ({ sink, depth }) => metrics.outboxDepth.set({ sink }, depth));
  bus.on('noticeSent', ({ sink, severity }) => metrics.notices.inc({ sink, severity, outcome: 'sent' }));
  bus.on('noticeFailed', ({ sink, severity }) => metrics.notices.inc({ sink, severity, outcome: 'failed' }));
}

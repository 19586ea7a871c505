import { type BotCommands, scopedCommands } from '../../commands/accountScope.js';
import { forceOrdersCommand } from '../../commands/forceOrdersCommand.js';
import { type RiskArgs, type RiskDeps, riskCommand } from '../../commands/riskCommand.js';
import type { AccountConfig } from '../accounts/AccountConfig.js';
import type { CoreConfig } from '../config.js';
import { ConsoleSink } from '../console/ConsoleSink.js';
import { createDiscordAdapter } from '../discord/createDiscordAdapter.js';
import { errorMessage } from '../errorCode.js';
import { combinedHealth, type HealthState } from '../ops/HealthState.js';
import { Heartbeat } from '../ops/Heartbeat.js';
import type { Logger } from '../ops/logger.js';
import { Metrics } from '../ops/Metrics.js';
import { redact } from '../ops/redact.js';
import { type OpsServer, startOpsServer } from '../ops/startOpsServer.js';
import type { EventBus } from '../pipeline/EventBus.js';
import type { Pipeline } from '../pipeline/Pipeline.js';
import { type AccountWeightPlan, capacityProblem } from '../pipeline/weightPlan.js';
import { deliveryFailureReason, type Sink } from '../sinks/Sink.js';
import { createSlackAdapter } from '../slack/createSlackAdapter.js';
import { type Clock, DAY_MS, systemClock } from '../time.js';
import { AccountRunner } from './AccountRunner.js';
import { AdapterConnection, type ChatAdapter, type SinkState } from './AdapterConnection.js';
import type { AccountExchange } from './accountExchange.js';
import { accountSink, namesAccounts, scopedAccount } from './accountRouting.js';
import { type HaProcess, type HighAvailability, startHighAvailability } from './highAvailability.js';
import type { Settings } from './loadSettings.js';

/** What `startForcewatch` needs besides the settings. */
export interface ForcewatchOptions {
  settings: Settings;
  /** Each account's exchange side, one per `settings.accounts` (matched by name). */
  exchanges: readonly AccountExchange[];
  logger: Logger;
  clock?: Clock;
  /** The sink used when no chat platform is configured; default a `ConsoleSink` on stdout. */
  fallbackSink?: Sink;
  /**
   * A shutdown requested during start-up (SIGTERM): the chat platforms' attempts end and the start
   * returns without waiting for them; the caller then stops the bot.
   */
  signal?: AbortSignal;
  /** The metrics `/metrics` serves; default a new registry. Given, it can take the Binance clients' used weight too. */
  metrics?: Metrics;
  /** With REDIS_URL: the process's Redis connection and instance id (high availability). */
  ha?: HaProcess;
}

/** The running bot. */
export interface Forcewatch {
  /** The first account's pipeline (the only one without FORCEWATCH_ACCOUNTS); throws while another instance leads it. */
  readonly pipeline: Pipeline;
  /** The pipelines this instance runs now, by account name, in the settings' order (every account's without high availability). */
  readonly pipelines: ReadonlyMap<string, Pipeline>;
  readonly commands: BotCommands;
  /** Base URL of `/healthz` and `/metrics`, when METRICS_PORT is set. */
  readonly opsUrl: string | undefined;
  /** Resolves when every account's polling has ended, after `stop()`; a refused key does not end it (retried once a minute). */
  readonly done: Promise<void>;
  /** Finishes the current step, flushes the stores, disconnects, releases the locks. */
  stop(): Promise<void>;
}

/**
 * How long the start waits for the chat platforms' first attempts before it says it has started (so
 * the line says which sinks are connecting or off); their attempts go on in the background after it.
 */
const FIRST_ATTEMPT_WAIT_MS = 5_000;

/**
 * Wires the parts: one pipeline per account (its own store, lock, outbox, watchdog and stream, so one
 * account's refused key or cascade never holds up another's alerts), every account's store lock first
 * (so a second instance is refused before it connects to any chat), then the ops server, then the
 * chat adapters in the background, so a platform that is down at boot silences only itself
 * (AdapterConnection). Any failure on the way undoes what was started.
 */
export async function startForcewatch(options: ForcewatchOptions): Promise<Forcewatch> {
  const { settings, logger, clock = systemClock } = options;
  const { core } = settings;
  const maxSinceMs = core.store.archiveDays * DAY_MS;
  const exchanges = new Map(options.exchanges.map((exchange) => [exchange.config.name, exchange]));
  const accounts: AccountRunner[] = [];
  const byName = new Map<string, AccountRunner>();
  const nameAccounts = namesAccounts(settings);
  // High availability needs both the settings (REDIS_URL) and the process's Redis connection.
  const haCore = core.ha && options.ha ? { ...core, ha: core.ha } : undefined;
  if (core.ha && !options.ha) throw new Error('REDIS_URL is set but no Redis connection was given to startForcewatch');
  const commands = botCommands({
    accounts: () => accounts,
    hasRisk: options.exchanges.every((e) => e.account),
    nameAnswers: nameAccounts,
    byName,
    maxSinceMs,
    clock,
    logger,
  });

  const adapters: ChatAdapter[] = [];
  const mentionNotionalUsd = core.alerts.mentionNotionalUsd;
  if (settings.slack) {
    adapters.push(createSlackAdapter({ config: settings.slack, logger, commands, mentionNotionalUsd, clock }));
  }
  if (settings.discord) {
    adapters.push(
      createDiscordAdapter({
        config: settings.discord,
        logger,
        commands,
        maxSinceMs,
        mentionNotionalUsd,
        clock,
      }),
    );
  }
  const connections = adapters.map((adapter) => new AdapterConnection({ adapter, logger, clock }));
  const fallbackSink = options.fallbackSink ?? new ConsoleSink();
  const metrics = options.metrics ?? new Metrics();
  for (const config of settings.accounts) {
    const exchange = exchanges.get(config.name);
    if (!exchange) throw new Error(`no exchange side given for account ${config.name}`);
    const routed = nameAccounts ? { name: config.name, mentionNotionalUsd: config.mentionNotionalUsd } : undefined;
    const keyPrefix = config.name === core.accountName ? '' : `${config.name}/`;
    const sinks =
      connections.length > 0
        ? connections.map((c) =>
            accountSink(routed, c.sinkFor(c.sink.name === 'slack' ? config.slackChannel : config.discordChannelId), keyPrefix),
          )
        : [accountSink(routed, fallbackSink, keyPrefix)];
    const runner = new AccountRunner({
      core,
      config,
      scope: scopedAccount(config, settings),
      exchange,
      sinks,
      paths: accountStorePaths(core, config.name),
      logger: settings.accounts.length > 1 ? logger.child({ account: config.name }) : logger,
      clock,
    });
    runner.onEachTerm((bus) => wireMetrics(bus, metrics, runner.health, config.name, sinks));
    accounts.push(runner);
    byName.set(config.name, runner);
  }
  if (accounts.length === 0) throw new Error('forcewatch needs at least one account');
  const capacity = capacityProblem(
    settings.accounts.map((account) => weightPlanOf(core, account)),
    core.binance.weightLimitPerMinute,
  );
  // Said, not refused: the shared budget still serves every account in turn, only each poll comes later than asked.
  if (capacity) logger.error(`the accounts do not fit in Binance's weight limit: ${capacity}`);
  const { heartbeatUrl } = core.health;
  const heartbeat = heartbeatUrl
    ? new Heartbeat({ url: heartbeatUrl, clock, logger: logger.child({ component: 'heartbeat' }) })
    : undefined;
  // The dead man's switch beats while every account polls: one blind account is worth a page.
  if (heartbeat) {
    for (const runner of accounts) {
      runner.onEachTerm((bus) =>
        bus.on('pollSucceeded', () => {
          if (allPolling(accounts)) heartbeat.pollSucceeded();
        }),
      );
    }
  }

  let ops: OpsServer | undefined;
  let ha: HighAvailability | undefined;
  let stopped = () => {};
  const stoppedAll = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  const stop = async () => {
    await Promise.allSettled(connections.map((c) => c.stop()));
    await ha?.stop();
    await Promise.all(accounts.map((runner) => runner.standBy()));
    await Promise.all([ops?.close(), heartbeat?.stop()]);
    stopped();
  };
  // Without high availability each account's pipeline exists before any starts, so the caller sees
  // every bus from the start; with it, pipelines come and go with the leases.
  const pipelines = haCore ? [] : accounts.map((runner) => runner.prepare());
  try {
    for (const pipeline of pipelines) await pipeline.start();
    if (haCore && options.ha) {
      ha = startHighAvailability({ core: haCore, runners: accounts, process: options.ha, clock, logger, metrics });
      commands.claim = ha.claim;
    }
    if (core.metrics.port !== undefined) {
      const health = ha ?? combinedHealth(accounts.map((a) => [a.name, a.health] as const));
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
    accounts: accounts.map((a) => a.name),
    sinks: connections.length > 0 ? connections.map((c) => c.sink.name) : [fallbackSink.name],
    connecting: named('verifying'),
    off: named('off'),
    pollIntervalMs: core.poll.intervalMs,
  });
  return {
    get pipeline() {
      const pipeline = accounts[0]?.pipeline;
      if (!pipeline) throw new Error('this instance does not lead the first account now');
      return pipeline;
    },
    get pipelines() {
      return new Map(accounts.flatMap((a) => (a.pipeline ? [[a.name, a.pipeline] as const] : [])));
    },
    commands,
    opsUrl: ops?.url,
    // With high availability pipelines come and go with the leases: the bot is done when it is stopped.
    done: haCore ? stoppedAll : Promise.all(pipelines.map((pipeline) => pipeline.done)).then(() => undefined),
    stop,
  };
}

/** What an account spends while quiet, as the settings ask (src/pipeline/weightPlan.ts). */
function weightPlanOf(core: CoreConfig, account: AccountConfig): AccountWeightPlan {
  return {
    markets: account.markets,
    pollIntervalMs: core.poll.intervalMs,
    ...(core.stream.enabled && { stream: { reconcileIntervalMs: core.stream.reconcileIntervalMs } }),
    riskWarning: core.risk.warnUniMmr !== undefined,
    digest: core.digest.atMinuteOfDay !== undefined,
  };
}

/** True when every account this instance leads had its last poll succeed (the heartbeat's condition). */
function allPolling(accounts: readonly AccountRunner[]): boolean {
  // With high availability an instance answers for the accounts it leads; their poll is what beats.
  return accounts.every((a) => a.pipeline === undefined || a.health.status().healthy);
}

/**
 * Where an account keeps its store and archive. The account named FORCEWATCH_ACCOUNT_NAME (default
 * `main`: the single account of the BINANCE_* variables) keeps FORCEWATCH_DB and FORCEWATCH_ARCHIVE,
 * so a bot that grows from one account to a FORCEWATCH_ACCOUNTS file carries its store over; every
 * other account gets its own files beside them, its name before the extension. A store records the
 * account it belongs to and refuses any other.
 */
export function accountStorePaths(core: CoreConfig, account: string): { storePath: string; archivePath: string } {
  const { path, archivePath } = core.store;
  if (account === core.accountName) return { storePath: path, archivePath };
  return {
    storePath: path.replace(/(\.json)?$/, `.${account}$1`),
    archivePath: archivePath.replace(/(\.archive)?(\.jsonl)?$/, `.${account}$1$2`),
  };
}

/** What `botCommands` needs of the running bot. */
interface CommandsDeps {
  accounts: () => readonly AccountRunner[];
  /** Every account has an account reader (every account built from a Binance client does): /risk is offered. */
  hasRisk: boolean;
  /** Answers name their account (`namesAccounts`). */
  nameAnswers: boolean;
  byName: ReadonlyMap<string, AccountRunner>;
  maxSinceMs: number;
  clock: Clock;
  logger: Logger;
}

/** The platform-neutral commands over every account, each account answering from its own exchange side and archive. */
function botCommands(deps: CommandsDeps): BotCommands {
  const { byName, maxSinceMs, clock } = deps;
  const now = () => clock.now();
  const forceOrdersLogger = deps.logger.child({ component: 'forceorders' });
  const riskLogger = deps.logger.child({ component: 'risk' });
  const running = (name: string) => byName.get(name) as AccountRunner;
  return scopedCommands(
    () => deps.accounts().map((a) => a.scope),
    {
      forceOrders: (name, input) => {
        const { exchange, archive } = running(name);
        const commandDeps = { exchange: exchange.commandSource, archive, now, logger: forceOrdersLogger };
        return forceOrdersCommand(input, commandDeps, { maxSinceMs });
      },
      ...(deps.hasRisk && {
        // Both books, whichever markets it watches: an open position's ADL risk is the account's either way.
        risk: (name: string, input: string | RiskArgs) =>
          riskCommand(input, {
            account: running(name).exchange.account as RiskDeps['account'],
            markets: ['cm', 'um'],
            now,
            logger: riskLogger,
          }),
      }),
      knownSymbols: (name) => running(name).knownSymbols(),
    },
    { nameAnswers: deps.nameAnswers },
  );
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

/**
 * Feeds one account's pipeline events into the Prometheus metrics (under its name) and its health state;
 * returns what drops its gauges when the term ends.
 */
function wireMetrics(bus: EventBus, metrics: Metrics, health: HealthState, account: string, sinks: readonly Sink[]): () => void {
  // Never read yet: 0, as an unlabelled gauge starts, so ForcewatchBlind also fires for a bot blind from its start.
  metrics.lastSuccessfulPoll.set({ account }, 0);
  bus.on('pollSucceeded', ({ at, newOrders, weight }) => {
    metrics.polls.inc({ account });
    metrics.ordersSeen.inc({ account }, newOrders);
    metrics.weightUsed.inc({ account }, weight);
    metrics.lastSuccessfulPoll.set({ account }, at / 1000);
    health.pollSucceeded(at);
  });
  bus.on('pollFailed', ({ error }) => {
    metrics.pollFailures.inc({ account });
    health.pollFailed(reasonOf(error));
  });
  bus.on('delivered', ({ sink, alertIds, latencyMs }) => {
    metrics.alertsDelivered.inc({ account, sink }, alertIds.length);
    for (const ms of latencyMs) metrics.deliveryLatency.observe({ account, sink }, ms / 1000);
    health.delivered(sink);
  });
  bus.on('deliveryFailed', ({ sink, error }) => {
    metrics.deliveryFailures.inc({ account, sink, reason: deliveryFailureReason(error) });
    health.deliveryFailed(sink, reasonOf(error));
  });
  bus.on('streamState', ({ state, reason }) => {
    metrics.streamOpen.set({ account }, state === 'open' ? 1 : 0);
    health.streamChanged(state, reason);
  });
  bus.on('outboxDepth', ({ sink, depth }) => metrics.outboxDepth.set({ account, sink }, depth));
  bus.on('noticeSent', ({ sink, severity }) => metrics.notices.inc({ account, sink, severity, outcome: 'sent' }));
  bus.on('noticeFailed', ({ sink, severity }) => metrics.notices.inc({ account, sink, severity, outcome: 'failed' }));
  return () =>
    metrics.forgetAccount(
      account,
      sinks.map((sink) => sink.name),
    );
}

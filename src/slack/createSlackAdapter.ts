import type { Server } from 'node:http';
import { App, type Logger as BoltLogger, LogLevel, webApi } from '@slack/bolt';
import type { BotCommands } from '../../commands/accountScope.js';
import { errorCode, errorMessage } from '../errorCode.js';
import type { Logger } from '../ops/logger.js';
import { SinkError } from '../sinks/Sink.js';
import { type Clock, systemClock } from '../time.js';
import { unlessAborted } from '../unlessAborted.js';
import { SlackSink } from './SlackSink.js';
import type { SlackConfig } from './slackConfig.js';
import { registerForceOrdersCommand, registerRiskCommand } from './slashCommands.js';

/** Options of `createSlackAdapter`. */
export interface SlackAdapterOptions {
  config: SlackConfig;
  logger: Logger;
  /** The bot's commands (commands/): `/forceorders`, and `/risk` when offered (else it is not registered). */
  commands: Pick<BotCommands, 'forceOrders' | 'risk' | 'claim'>;
  /** Decimal USD threshold for `SLACK_MENTION` (core's ALERT_MENTION_NOTIONAL_USD); unset: always. */
  mentionNotionalUsd?: string;
  clock?: Clock;
  /** Spacing of alert messages; default one a second (Slack's per-channel limit). */
  minIntervalMs?: number;
}

/** The Slack side of forcewatch: an alert sink and the `/forceorders` front end. */
export interface SlackAdapter {
  /** The sink of SLACK_ALERT_CHANNEL. */
  sink: SlackSink;
  /** The sink of `channel` (an account's `slackChannel`), made on first use; default SLACK_ALERT_CHANNEL's. */
  sinkFor(channel?: string): SlackSink;
  /**
   * Checks SLACK_BOT_TOKEN with one `auth.test` (what the sink needs). Rejects with a non-retryable
   * `SinkError` naming the setting when Slack refuses the token for good, a retryable one otherwise.
   */
  verify(signal?: AbortSignal): Promise<void>;
  /** After `verify`: connects (Socket Mode) or listens (HTTP mode) for `/forceorders`; rejects as `verify` does. */
  connect(signal?: AbortSignal): Promise<void>;
  /** `verify`, then `connect`. */
  start(signal?: AbortSignal): Promise<void>;
  /** Disconnects or closes the HTTP server, and stops taking alerts. */
  stop(): Promise<void>;
  /** HTTP mode: the port actually listened on once started (useful with port 0). */
  readonly httpPort: number | undefined;
}

/** Builds the Slack sink now, and the Bolt app (Socket Mode or HTTP, per config) once `verify` has found the bot's ids. */
export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  const { config, commands, clock = systemClock } = options;
  const logger = options.logger.child({ component: 'slack' });
  const { connection } = config;
  const client = createSlackWebClient(config.botToken, config.apiUrl, logger);
  // One sink per channel, shared by every account alerting there: Slack's one-a-second pacing is per channel.
  const sinks = new Map<string, SlackSink>();
  const sinkFor = (channel: string = config.alertChannel): SlackSink => {
    let sink = sinks.get(channel);
    if (!sink) {
      sink = new SlackSink({
        client,
        channel,
        logger,
        mention: config.mention,
        mentionNotionalUsd: options.mentionNotionalUsd,
        minIntervalMs: options.minIntervalMs,
      });
      sinks.set(channel, sink);
    }
    return sink;
  };
  const sink = sinkFor();

  let identity: BotIdentity | undefined;
  let app: App | undefined;
  const buildApp = (bot: BotIdentity): App => {
    // The bot's ids come from our own auth.test, so Bolt makes none (`tokenVerificationEnabled`): its
    // client would retry one for about 30 minutes with Slack down, holding the start that long. The
    // Socket Mode client gets options of its own (`installerOptions.clientOptions`), so it keeps its
    // policy of retrying apps.connections.open on a reconnect.
    // Docs: https://docs.slack.dev/tools/bolt-js/reference#app-options
    const shared = {
      token: config.botToken,
      botId: bot.botId,
      botUserId: bot.botUserId,
      tokenVerificationEnabled: false,
      logger: toBoltLogger(logger.child({ component: 'bolt' })),
      clientOptions: { slackApiUrl: config.apiUrl, timeout: SLACK_REQUEST_TIMEOUT_MS, retryConfig: { retries: 0 } },
      installerOptions: { clientOptions: { slackApiUrl: config.apiUrl, timeout: SLACK_REQUEST_TIMEOUT_MS } },
    };
    const built =
      connection.mode === 'socket'
        ? new App({ ...shared, socketMode: true, appToken: connection.appToken })
        : new App({ ...shared, signingSecret: connection.signingSecret, port: connection.port });
    built.error(async (error) => {
      logger.error('slack listener failed', { error });
    });
    const deps = { logger, clock, claim: commands.claim };
    registerForceOrdersCommand(built, commands, deps);
    if (commands.risk) registerRiskCommand(built, commands.risk, deps);
    return built;
  };

  let httpPort: number | undefined;
  const adapter: SlackAdapter = {
    sink,
    sinkFor,
    get httpPort() {
      return httpPort;
    },
    async verify(signal) {
      try {
        const answer = await unlessAborted(client.auth.test(), signal);
        identity = { botId: answer.bot_id, botUserId: answer.user_id };
      } catch (error) {
        throw signal?.aborted ? error : startError(error, 'SLACK_BOT_TOKEN');
      }
    },
    async connect(signal) {
      app ??= buildApp(identity ?? {});
      let started: unknown;
      try {
        started = await unlessAborted(app.start(), signal);
      } catch (error) {
        if (signal?.aborted) throw error;
        if (connection.mode === 'socket') throw startError(error, 'SLACK_APP_TOKEN');
        throw new SinkError(`could not listen on SLACK_PORT ${connection.port}: ${errorMessage(error)}`, { retryable: true, cause: error });
      }
      if (connection.mode === 'http') {
        const address = (started as Server).address();
        httpPort = typeof address === 'object' && address ? address.port : undefined;
      }
      logger.info('slack connected', { mode: connection.mode, channel: config.alertChannel, port: httpPort });
      for (const channelSink of sinks.values()) await channelSink.checkHistoryAccess();
    },
    async start(signal) {
      await adapter.verify(signal);
      await adapter.connect(signal);
    },
    async stop() {
      for (const channelSink of sinks.values()) await channelSink.stop();
      // A start abandoned half-way (Slack down) may leave a receiver that never ran: nothing to stop.
      await app?.stop().catch((error: unknown) => logger.debug('slack app stop failed', { error }));
      logger.info('slack stopped');
    },
  };
  return adapter;
}

/** What `auth.test` said about the bot token, for Bolt (which would otherwise ask itself). */
interface BotIdentity {
  botId?: string;
  botUserId?: string;
}

/**
 * Slack's answers that mean a token never works, whatever is retried: only a new token and a restart
 * fix them. Docs: https://docs.slack.dev/reference/methods/auth.test (errors)
 */
const REFUSED_TOKEN: Record<string, string> = {
  invalid_auth: 'the token is not valid (mistyped, regenerated or revoked)',
  not_authed: 'no token reached Slack',
  account_inactive: 'the token belongs to a deleted user or workspace',
  token_revoked: 'the token was revoked',
  token_expired: 'the token has expired',
};

/** Where each token comes from, for the fix. */
const TOKEN_FIX = {
  SLACK_BOT_TOKEN: "copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page (reinstall the app if it was revoked)",
  SLACK_APP_TOKEN: "create an app-level token with connections:write on the app's Basic Information page",
} as const;

/** A failed start-up call as a `SinkError`: non-retryable when Slack refused `setting` for good. */
function startError(error: unknown, setting: keyof typeof TOKEN_FIX): SinkError {
  const code = errorCode(error) === webApi.ErrorCode.PlatformError ? (error as webApi.WebAPIPlatformError).data.error : undefined;
  const refused = code === undefined ? undefined : REFUSED_TOKEN[code];
  if (refused) {
    return new SinkError(
      `Slack refused ${setting} (${code}): ${refused}; ${TOKEN_FIX[setting]}, set ${setting} to it and restart forcewatch`,
      {
        retryable: false,
        reason: 'auth',
        cause: error,
      },
    );
  }
  // Anything else may pass: Slack down or slow (network), rate-limited, or answering an outage.
  return new SinkError(`Slack did not confirm ${setting}: ${errorMessage(error)}`, {
    retryable: true,
    reason: code === undefined ? 'network' : 'server_error',
    cause: error,
  });
}

// The Web API client forcewatch's own calls use (alerts, doctor, test alerts)

/** A Slack request that has not answered in this long is abandoned and counts as a network error. */
const SLACK_REQUEST_TIMEOUT_MS = 10_000;

/**
 * The Web API options forcewatch's own calls use. A 429 must reach our outbox instead of pausing the
 * client's whole queue for `Retry-After` (`rejectRateLimitedCalls`), failures surface at once for the
 * pipeline's retry (`retries: 0`; the default retries for about 30 minutes), and every request has a
 * timeout (the default has none).
 * Docs: https://docs.slack.dev/tools/node-slack-sdk/web-api#rate-limits
 */
function slackClientOptions(apiUrl: string, logger: Logger): webApi.WebClientOptions {
  return {
    slackApiUrl: apiUrl,
    logger: toBoltLogger(logger.child({ component: 'slack-web-api' })),
    timeout: SLACK_REQUEST_TIMEOUT_MS,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  };
}

/** A WebClient for `token` with `slackClientOptions`. */
export function createSlackWebClient(token: string, apiUrl: string, logger: Logger): webApi.WebClient {
  return new webApi.WebClient(token, slackClientOptions(apiUrl, logger));
}

// The logger bridge

const SEVERITY: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 10,
  [LogLevel.INFO]: 20,
  [LogLevel.WARN]: 30,
  [LogLevel.ERROR]: 40,
};

/**
 * Bolt's logger interface over ours, so every line Bolt, the WebClient and the Socket Mode client
 * print goes through our redaction (they log request bodies and payloads at debug).
 * Docs: https://docs.slack.dev/tools/bolt-js/concepts/logging
 */
function toBoltLogger(logger: Logger, initialLevel: LogLevel = LogLevel.INFO): BoltLogger {
  let level = initialLevel;
  let name = 'bolt';
  const write =
    (severity: LogLevel, method: keyof Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>) =>
    (...msg: unknown[]) => {
      if (SEVERITY[severity] < SEVERITY[level]) return;
      const text = msg.map((m) => (m instanceof Error ? `${m.name}: ${m.message}` : typeof m === 'string' ? m : safeJson(m))).join(' ');
      logger[method](text, { component: name });
    };
  return {
    debug: write(LogLevel.DEBUG, 'debug'),
    info: write(LogLevel.INFO, 'info'),
    warn: write(LogLevel.WARN, 'warn'),
    error: write(LogLevel.ERROR, 'error'),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next) => {
      name = next;
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

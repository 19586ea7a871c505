import type { Server } from 'node:http';
import { App, type Logger as BoltLogger, LogLevel, webApi } from '@slack/bolt';
import type { Logger } from '../ops/logger.js';
import type { ForceOrdersResult } from '../queries.js';
import { type Clock, systemClock } from '../time.js';
import { registerForceOrdersCommand } from './forceOrdersCommand.js';
import { SlackSink } from './SlackSink.js';
import type { SlackConfig } from './slackConfig.js';

/** Options of `createSlackAdapter`. */
export interface SlackAdapterOptions {
  config: SlackConfig;
  logger: Logger;
  /** Runs `/forceorders` with what the user typed (commands/). */
  runForceOrders: (text: string) => Promise<ForceOrdersResult>;
  /** Decimal USD threshold for `SLACK_MENTION` (core's ALERT_MENTION_NOTIONAL_USD); unset: always. */
  mentionNotionalUsd?: string;
  clock?: Clock;
  /** Spacing of alert messages; default one a second (Slack's per-channel limit). */
  minIntervalMs?: number;
}

/** The Slack side of forcewatch: an alert sink and the `/forceorders` front end. */
export interface SlackAdapter {
  sink: SlackSink;
  /** Verifies the token (`auth.test`), then connects (Socket Mode) or listens (HTTP mode). */
  start(): Promise<void>;
  /** Disconnects or closes the HTTP server, and stops taking alerts. */
  stop(): Promise<void>;
  /** HTTP mode: the port actually listened on once started (useful with port 0). */
  readonly httpPort: number | undefined;
}

/** Builds the Bolt app (Socket Mode or HTTP, per config) and the Slack sink. */
export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  const { config, runForceOrders, clock = systemClock } = options;
  const logger = options.logger.child({ component: 'slack' });
  const { connection } = config;
  // Bolt's own client (auth.test, apps.connections.open) keeps its retry policy: the Socket Mode
  // client retries connections.open on reconnect and must not give up at the first network error.
  const shared = {
    token: config.botToken,
    logger: toBoltLogger(logger.child({ component: 'bolt' })),
    clientOptions: { slackApiUrl: config.apiUrl, timeout: SLACK_REQUEST_TIMEOUT_MS },
    // start() runs auth.test, so a bad token fails start-up instead of an unhandled rejection.
    deferInitialization: true,
  };
  const app =
    connection.mode === 'socket'
      ? new App({ ...shared, socketMode: true, appToken: connection.appToken })
      : new App({ ...shared, signingSecret: connection.signingSecret, port: connection.port });
  app.error(async (error) => {
    logger.error('slack listener failed', { error });
  });
  registerForceOrdersCommand(app, { runForceOrders, access: config, logger, clock });

  const sink = new SlackSink({
    client: createSlackWebClient(config.botToken, config.apiUrl, logger),
    channel: config.alertChannel,
    logger,
    mention: config.mention,
    mentionNotionalUsd: options.mentionNotionalUsd,
    minIntervalMs: options.minIntervalMs,
  });

  let httpPort: number | undefined;
  return {
    sink,
    get httpPort() {
      return httpPort;
    },
    async start() {
      await app.init();
      const started: unknown = await app.start();
      if (connection.mode === 'http') {
        const address = (started as Server).address();
        httpPort = typeof address === 'object' && address ? address.port : undefined;
      }
      logger.info('slack connected', { mode: connection.mode, channel: config.alertChannel, port: httpPort });
      await sink.checkHistoryAccess();
    },
    async stop() {
      await sink.stop();
      await app.stop();
      logger.info('slack stopped');
    },
  };
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

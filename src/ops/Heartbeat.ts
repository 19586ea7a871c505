import { errorMessage } from '../errorCode.js';
import { type Clock, MINUTE_MS } from '../time.js';
import type { Logger } from './logger.js';
import { redact } from './redact.js';

/**
 * At most one ping a minute: a check at healthchecks.io or Dead Man's Snitch expects one ping per
 * period (a minute at the shortest) and alerts when none came, so a dead host is noticed too.
 * https://healthchecks.io/docs/http_api/ (GET https://hc-ping.com/<uuid>), https://deadmanssnitch.com/docs
 */
const HEARTBEAT_EVERY_MS = MINUTE_MS;
/** Default time a ping may take before it is given up; it never holds anything up. */
const DEFAULT_HEARTBEAT_TIMEOUT_MS = 10_000;

/** Options of `Heartbeat`. */
export interface HeartbeatOptions {
  /** HEARTBEAT_URL: its path is the check's secret. */
  url: string;
  clock: Clock;
  logger: Logger;
  /** Default 10 s. */
  timeoutMs?: number;
}

/**
 * The dead man's switch: after a successful poll, a GET to HEARTBEAT_URL, at most once a minute and
 * one at a time. A ping that fails is a warning in the log, nothing more: polling never waits for it.
 * The URL is never logged with its path (anyone holding it can ping the check or pause it).
 */
export class Heartbeat {
  private readonly options: HeartbeatOptions;
  /** What the log shows of the URL: its origin. */
  private readonly shown: string;
  private lastPingAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;

  constructor(options: HeartbeatOptions) {
    this.options = options;
    this.shown = `${new URL(options.url).origin}/[path redacted]`;
  }

  /** A poll succeeded: pings unless one went out less than a minute ago or is still on its way. Never throws. */
  pollSucceeded(): void {
    const now = this.options.clock.now();
    if (this.inFlight || now - this.lastPingAt < HEARTBEAT_EVERY_MS) return;
    this.lastPingAt = now;
    this.inFlight = this.ping().finally(() => {
      this.inFlight = undefined;
    });
  }

  /** Resolves once no ping is on its way (for shutdown). */
  async stop(): Promise<void> {
    await this.inFlight;
  }

  private async ping(): Promise<void> {
    const { url, logger, timeoutMs = DEFAULT_HEARTBEAT_TIMEOUT_MS } = this.options;
    try {
      const response = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
      await response.arrayBuffer();
      if (!response.ok)
        logger.warn('the heartbeat URL refused the ping; polling goes on', { heartbeat: this.shown, status: response.status });
      else logger.debug('heartbeat sent', { heartbeat: this.shown });
    } catch (error) {
      // Only the messages, redacted: a fetch error's cause can quote the URL.
      const cause = error instanceof Error && error.cause !== undefined ? ` (${errorMessage(error.cause)})` : '';
      logger.warn('the heartbeat ping failed; polling goes on', { heartbeat: this.shown, error: redact(`${errorMessage(error)}${cause}`) });
    }
  }
}

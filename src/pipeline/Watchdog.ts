import { BinanceError } from '../binance/errors.js';
import { errorMessage } from '../errorCode.js';
import type { Logger } from '../ops/logger.js';
import { redact } from '../ops/redact.js';
import { NoticeSender } from '../sinks/NoticeSender.js';
import type { OperationalNotice, Sink } from '../sinks/Sink.js';
import { type Clock, formatSpan, formatTime, HOUR_MS, MINUTE_MS } from '../time.js';
import type { EventBus } from './EventBus.js';

/** Default of WATCHDOG_AFTER: polling or a sink failing for this long is worth telling someone. */
export const DEFAULT_WATCHDOG_AFTER_MS = 2 * MINUTE_MS;
/** An incident still open is announced again at most this often. */
const REMINDER_EVERY_MS = HOUR_MS;
/** Longest error text a notice quotes: enough for Binance's code, message and hint. */
const QUOTED_ERROR_MAX = 500;
/** Where a Binance key's permissions and IP allow-list are edited (Account → API Management). */
const API_MANAGEMENT_URL = 'https://www.binance.com/en/my/settings/api-management';

/** Options of `Watchdog`. */
export interface WatchdogOptions {
  sinks: readonly Sink[];
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  /** How long polling, or a sink, may fail before the notice; default 2 minutes (WATCHDOG_AFTER). */
  afterMs?: number;
  /** How often an incident still open is announced again; default one hour. */
  reminderMs?: number;
}

/** Something that keeps failing: polling (`exchange`) or one sink's deliveries. */
interface Incident {
  /** Since when nothing has worked (ms): the last success before the first failure. */
  since: number;
  /** The latest failure. */
  error: unknown;
  /** For polling: the exchange refused our credentials. */
  fatal: boolean;
  /** When the warning (or its latest reminder) went out; undefined until it has. */
  warnedAt?: number;
  /** Sinks handed the current warning. */
  warned: Set<string>;
}

/**
 * Tells people when the bot is blind or cannot deliver, and when it works again: the operational
 * notices. Fed by the pipeline's events (a listener of the bus, so a notice that cannot be sent never
 * touches polling or delivery), it keeps one incident for polling and one per sink:
 * - polling has failed for longer than `afterMs`: every working sink gets ONE warning saying what is
 *   wrong and what to do; once a poll succeeds, one recovery saying how long the bot was blind and
 *   how many force orders that poll found in the gap;
 * - a sink has failed to deliver for longer than `afterMs`: the OTHER working sinks get the warning;
 *   once it delivers again, every working sink (that one too) gets the recovery.
 * An incident still open is announced again every `reminderMs`, never more often; `NoticeSender`
 * sends the notices (outside the outbox, retried a few times). A sink counts as working until it has
 * failed for longer than `afterMs`. Checks run on the pipeline's own events (every poll, every failed
 * delivery), so a warning goes out with the first failure past `afterMs`.
 */
export class Watchdog {
  private readonly options: WatchdogOptions;
  private readonly afterMs: number;
  private readonly reminderMs: number;
  private readonly notices: NoticeSender;
  private readonly unsubscribe: (() => void)[] = [];
  private lastPollSuccessAt: number;
  private exchange: Incident | undefined;
  private readonly sinkIncidents = new Map<string, Incident>();

  constructor(options: WatchdogOptions) {
    this.options = options;
    this.afterMs = options.afterMs ?? DEFAULT_WATCHDOG_AFTER_MS;
    this.reminderMs = options.reminderMs ?? REMINDER_EVERY_MS;
    // A bot that starts blind has been blind since it started.
    this.lastPollSuccessAt = options.clock.now();
    const { bus, clock, logger } = options;
    this.notices = new NoticeSender({
      clock,
      logger,
      onOutcome: ({ sink, severity, error }) =>
        error === undefined ? bus.emit('noticeSent', { sink, severity }) : bus.emit('noticeFailed', { sink, severity, error }),
    });
  }

  /** Starts listening to the pipeline's events. */
  start(): void {
    const { bus } = this.options;
    this.unsubscribe.push(
      bus.on('pollSucceeded', ({ at, newOrders }) => this.pollSucceeded(at, newOrders)),
      bus.on('pollFailed', ({ error, fatal }) => this.pollFailed(error, fatal)),
      bus.on('deliveryFailed', ({ sink, error }) => this.deliveryFailed(sink, error)),
      bus.on('delivered', ({ sink }) => this.delivered(sink)),
    );
  }

  /** Stops listening, abandons notices still being retried, and resolves once none is in flight. */
  async stop(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    await this.notices.stop();
  }

  private pollFailed(error: unknown, fatal: boolean): void {
    this.exchange ??= { since: this.lastPollSuccessAt, error, fatal, warned: new Set() };
    Object.assign(this.exchange, { error, fatal });
    this.checkExchange();
  }

  private pollSucceeded(at: number, newOrders: number): void {
    this.lastPollSuccessAt = at;
    const incident = this.exchange;
    this.exchange = undefined;
    if (incident?.warnedAt === undefined) return;
    const blind = this.options.clock.now() - incident.since;
    const found =
      newOrders === 0
        ? 'No force order was found in the gap'
        : newOrders === 1
          ? '1 force order was found in the gap and is being alerted now'
          : `${newOrders} force orders were found in the gap and are being alerted now`;
    this.notices.send(this.workingSinks(), `notice:poll:${incident.since}:recovered`, {
      severity: 'recovered',
      title: 'forcewatch reads Binance again',
      text:
        `Polling works again after ${formatSpan(blind)} blind (no successful poll since ${formatTime(incident.since)}).\n` +
        `${found}: nothing was skipped, the bot read the whole gap.`,
    });
  }

  private deliveryFailed(sink: string, error: unknown): void {
    let incident = this.sinkIncidents.get(sink);
    if (!incident) {
      incident = { since: this.options.clock.now(), error, fatal: false, warned: new Set() };
      this.sinkIncidents.set(sink, incident);
    }
    incident.error = error;
    this.checkSink(sink, incident);
  }

  private delivered(sink: string): void {
    const incident = this.sinkIncidents.get(sink);
    if (!incident) return;
    this.sinkIncidents.delete(sink);
    if (incident.warnedAt !== undefined) {
      const span = formatSpan(this.options.clock.now() - incident.since);
      this.notices.send(this.workingSinks(), `notice:sink:${sink}:${incident.since}:recovered`, {
        severity: 'recovered',
        title: `forcewatch delivers to ${sink} again`,
        text: `${sink} accepts alerts again after ${span} of failures. The alerts that waited are being delivered now, oldest first.`,
      });
    }
    // Back among the working sinks: it gets a blind warning it missed while it was down.
    this.checkExchange();
  }

  /** Sends the polling warning (or its reminder) to every working sink that is due one. */
  private checkExchange(): void {
    const incident = this.exchange;
    if (!incident) return;
    const notice = () => blindNotice(incident, this.options.clock.now());
    this.warn(incident, this.workingSinks(), 'poll', notice);
  }

  /** Sends a sink's warning (or its reminder) to every other working sink that is due one. */
  private checkSink(sink: string, incident: Incident): void {
    const others = this.workingSinks().filter((s) => s.name !== sink);
    const notice = (): OperationalNotice => ({
      severity: 'warning',
      title: `forcewatch cannot deliver to ${sink}`,
      text:
        `Every delivery to ${sink} has failed for ${formatSpan(this.options.clock.now() - incident.since)} ` +
        `(since ${formatTime(incident.since)}): ${quote(incident.error)}\n` +
        `Its alerts are kept and retried; they go out as soon as ${sink} accepts them again. ` +
        'Fix what the error names (the log says more: search for "delivery failed").',
    });
    this.warn(incident, others, `sink:${sink}`, notice);
  }

  /**
   * Once the incident is older than `afterMs`: the warning to `targets` not handed it yet, or to all
   * of them when a reminder is due.
   */
  private warn(incident: Incident, targets: readonly Sink[], what: string, notice: () => OperationalNotice): void {
    const now = this.options.clock.now();
    if (now - incident.since < this.afterMs) return;
    const reminder = incident.warnedAt !== undefined && now - incident.warnedAt >= this.reminderMs;
    if (reminder) incident.warned.clear();
    const due = targets.filter((s) => !incident.warned.has(s.name));
    if (due.length === 0) return;
    if (incident.warnedAt === undefined || reminder) incident.warnedAt = now;
    for (const sink of due) incident.warned.add(sink.name);
    this.notices.send(due, `notice:${what}:${incident.since}:warning:${incident.warnedAt}`, notice());
  }

  /** Sinks that have not been failing for longer than `afterMs`. */
  private workingSinks(): Sink[] {
    const now = this.options.clock.now();
    return this.options.sinks.filter((s) => {
      const incident = this.sinkIncidents.get(s.name);
      return !incident || now - incident.since < this.afterMs;
    });
  }
}

/** A failure quoted in a notice: redacted, one paragraph, short. */
function quote(error: unknown): string {
  const text = redact(errorMessage(error)).replace(/\s+/g, ' ').trim();
  return text.length > QUOTED_ERROR_MAX ? `${text.slice(0, QUOTED_ERROR_MAX - 1)}…` : text;
}

/** The polling warning: what is wrong, for how long, and what to do about it. */
function blindNotice(incident: Incident, now: number): OperationalNotice {
  const blind = `No force order has been read for ${formatSpan(now - incident.since)} (since ${formatTime(incident.since)}).`;
  const after = 'The bot keeps running and resumes by itself; it then reads the whole gap, so no force order is lost.';
  const said = quote(incident.error);
  if (incident.fatal) {
    return {
      severity: 'warning',
      title: 'forcewatch is blind: Binance refuses the API key',
      text:
        `${blind} Binance said: ${said}\n` +
        `What to do: on Binance's API Management page (${API_MANAGEMENT_URL}) check that the key in BINANCE_API_KEY still exists, ` +
        "has the Portfolio Margin read permission, and lists this host's public IP in its IP access restrictions (allow-list); " +
        'and that BINANCE_API_SECRET (HMAC key) or BINANCE_PRIVATE_KEY_PATH (Ed25519/RSA key) belongs to that key. ' +
        'A key fixed on that page works within a minute; a new key needs the new settings and a restart.\n' +
        `It retries once a minute meanwhile. ${after}`,
    };
  }
  const status = BinanceError.isApiError(incident.error) || BinanceError.isHttpError(incident.error) ? incident.error.status : 0;
  const limited = status === 429 || status === 418 || (BinanceError.isApiError(incident.error) && incident.error.category === 'rateLimit');
  if (limited) {
    return {
      severity: 'warning',
      title: 'forcewatch is blind: Binance is rate-limiting this IP',
      text:
        `${blind} Binance said: ${said}\n` +
        "What to do: Binance counts request weight per IP; another program on this host's IP may be spending it. " +
        'Stop it, or lower BINANCE_WEIGHT_LIMIT so the programs share the limit. The bot waits out the limit by itself.\n' +
        after,
    };
  }
  if (BinanceError.isNetworkError(incident.error)) {
    return {
      severity: 'warning',
      title: 'forcewatch is blind: Binance cannot be reached',
      text:
        `${blind} ${said}\n` +
        "What to do: check this host's network, DNS and firewall (and BINANCE_PAPI_URL if set), and Binance's announcements " +
        '(https://www.binance.com/en/support/announcement) for maintenance.\n' +
        after,
    };
  }
  return {
    severity: 'warning',
    title: 'forcewatch is blind: polling fails',
    text: `${blind} The last poll failed: ${said}\nWhat to do: the log says more (search for "poll failed").\n${after}`,
  };
}

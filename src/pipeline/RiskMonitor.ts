import { backoffDelay } from '../backoff.js';
import type { AccountInformation } from '../binance/AccountClient.js';
import { compareDecimal, mulDecimal } from '../decimal.js';
import type { Logger } from '../ops/logger.js';
import { SerialQueue } from '../SerialQueue.js';
import type { RiskAlert, RiskFigures } from '../sinks/Sink.js';
import type { StreamRiskEvent } from '../stream/events.js';
import { type Clock, DAY_MS, MINUTE_MS } from '../time.js';
import type { RiskMonitorState, RiskOutbox } from './RiskOutbox.js';
import type { UniMmrLows, UniMmrSeen } from './UniMmrLows.js';

/** Time between account reads while a risk level is active, to see it back to NORMAL: 30 s (weight 20 each). */
export const RISK_ACTIVE_POLL_MS = 30_000;
/** Time between account reads while only RISK_WARN_UNIMMR needs them: 60 s (weight 20 each). */
export const RISK_WARN_POLL_MS = 60_000;
/**
 * Longest time between account reads while the daily digest is on, so a quiet day (no risk event,
 * no RISK_WARN_UNIMMR) still has a lowest uniMMR: 5 minutes, weight 20 each, so 240 weight an hour
 * against the 6,000 a minute Binance allows an IP.
 */
export const DIGEST_UNIMMR_POLL_MS = 5 * MINUTE_MS;
/**
 * The early warning re-arms only once uniMMR is back above RISK_WARN_UNIMMR times this: a uniMMR
 * hovering at the line (1.49, 1.51, 1.49, …) gives one warning, not one a minute.
 */
export const RISK_WARN_REARM_FACTOR = '1.05';

/** What the monitor reads of the account: `AccountClient.account` (`GET /papi/v1/account`, weight 20). */
export interface AccountReader {
  account(options?: { signal?: AbortSignal }): Promise<AccountInformation>;
}

/** Options of `RiskMonitor`. */
export interface RiskMonitorOptions {
  riskOutbox: RiskOutbox;
  account: AccountReader;
  clock: Clock;
  logger: Logger;
  /** Called once new risk alerts are in the store: wakes delivery. */
  onQueued: () => void;
  /** RISK_WARN_UNIMMR, a decimal above 1: warn when uniMMR falls below it; default none. */
  warnUniMmr?: string;
  /** Default `RISK_ACTIVE_POLL_MS`. */
  activePollMs?: number;
  /** Default `RISK_WARN_POLL_MS`. */
  warnPollMs?: number;
  /**
   * The daily digest's uniMMR record: every uniMMR seen (events and reads) goes in, and the account is
   * read at least every `DIGEST_UNIMMR_POLL_MS`; default none (no digest).
   */
  uniMmrLows?: UniMmrLows;
}

/** Backoff of a risk alert's store write: the stream sends an event once, so it is retried until it is in the file. */
const COMMIT_RETRY = { baseMs: 500, capMs: 30_000 };

/**
 * Turns the account's risk into risk alerts, each queued in the store's risk outbox with the state
 * change that made it, in one write, so a restart neither repeats nor forgets one:
 * - each `riskLevelChange` from the user data stream (`take`): one alert per event; an event at or
 *   before the last one taken (the same event on both connections of a stream rotation) is dropped;
 * - while a level is active, `GET /papi/v1/account` every `activePollMs`: `accountStatus` NORMAL gives
 *   one "back to normal" alert and ends the level;
 * - with `warnUniMmr`, the account every `warnPollMs` (or `activePollMs` while a level is active):
 *   uniMMR below the line gives one warning, then none until uniMMR has been above
 *   line × `RISK_WARN_REARM_FACTOR`. An account without maintenance margin (no positions) has no
 *   meaningful uniMMR, and neither warns nor re-arms.
 * - with `uniMmrLows` (the daily digest), every uniMMR seen is recorded, and the account is read at
 *   least every `DIGEST_UNIMMR_POLL_MS`.
 * Nothing is polled while none of these needs it. Events and polls are handled one at a time.
 */
export class RiskMonitor {
  private readonly o: RiskMonitorOptions;
  private readonly rearmAbove: string | undefined;
  private readonly work = new SerialQueue();
  private readonly stopping = new AbortController();
  /** Aborted to cut the loop's current wait short (a level became active); replaced after each use. */
  private rewait = new AbortController();
  private loop: Promise<void> | undefined;
  /** True while account reads fail: the first failure is a warning, the rest debug lines until one works. */
  private readFailing = false;

  constructor(options: RiskMonitorOptions) {
    this.o = options;
    this.rearmAbove = options.warnUniMmr === undefined ? undefined : mulDecimal(options.warnUniMmr, RISK_WARN_REARM_FACTOR);
  }

  /** Starts the account polling; a level left active before a restart, or the early warning, is checked at once. */
  start(): void {
    this.loop ??= this.pollLoop();
  }

  /** Stops polling; resolves once the event or poll in hand is finished. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    await this.work.idle();
  }

  /** Takes one `riskLevelChange`; resolves once its alert is in the store (or it was a repeat). */
  take(event: StreamRiskEvent): Promise<void> {
    return this.work.run(() => this.onLevelChange(event));
  }

  /** Reads the account once and acts on it, as a poll does (for tests and the demo). */
  checkNow(): Promise<void> {
    return this.work.run(() => this.checkAccount());
  }

  private async onLevelChange(event: StreamRiskEvent): Promise<void> {
    const { riskOutbox, logger } = this.o;
    const last = riskOutbox.state.lastEvent;
    if (last && (event.eventTime < last.time || (event.eventTime === last.time && event.level === last.level))) {
      logger.debug('riskLevelChange already taken (a repeat, or older than the last one); not alerted again', {
        eventTime: event.eventTime,
        level: event.level,
      });
      return;
    }
    const alert: RiskAlert = {
      id: `risk:${event.eventTime}:${event.level}`,
      risk: { kind: 'level', level: event.level, time: event.eventTime, ...figuresOf(event) },
    };
    const queued = await this.commit({ level: event.level, lastEvent: { time: event.eventTime, level: event.level } }, [alert]);
    if (queued) logger.warn('account risk level changed', { riskLevel: event.level, uniMmr: event.uniMmr });
    // The back-to-normal polling starts now, or runs at its shorter interval.
    this.rewait.abort();
    await this.recordUniMmr(event.maintenanceMargin, { value: event.uniMmr, time: event.eventTime });
  }

  /**
   * Records a uniMMR for the digest, unless it is meaningless (no maintenance margin). A failed write
   * is logged and dropped: the next read records again, and a digest figure never holds up an alert.
   */
  private async recordUniMmr(maintenanceMargin: string, seen: UniMmrSeen): Promise<void> {
    const { uniMmrLows, logger } = this.o;
    if (!uniMmrLows || compareDecimal(maintenanceMargin, '0') <= 0) return;
    await uniMmrLows.record(seen).catch((error: unknown) => {
      logger.warn('could not record the uniMMR for the daily digest; the next account read records it again', { error });
    });
  }

  private async checkAccount(): Promise<void> {
    const { account, riskOutbox, logger, warnUniMmr } = this.o;
    let info: AccountInformation;
    try {
      info = await account.account({ signal: this.stopping.signal });
    } catch (error) {
      if (this.stopping.signal.aborted) return;
      const line = 'could not read the account (GET /papi/v1/account) for risk alerts; trying again at the next check';
      if (this.readFailing) logger.debug(line, { error });
      else logger.warn(line, { error });
      this.readFailing = true;
      return;
    }
    if (this.readFailing) logger.info('the account can be read again for risk alerts');
    this.readFailing = false;
    const state = riskOutbox.state;
    const change: Partial<RiskMonitorState> = {};
    const alerts: RiskAlert[] = [];
    const figures = accountFigures(info);
    if (state.level !== null && state.lastEvent && info.accountStatus === 'NORMAL') {
      change.level = null;
      alerts.push({
        id: `risk:${state.lastEvent.time}:${state.lastEvent.level}:normal`,
        risk: { kind: 'normal', previousLevel: state.level, time: info.updateTime, ...figures },
      });
    }
    // uniMMR is equity ÷ maintenance margin: without maintenance margin there is no figure to watch.
    const measurable = compareDecimal(info.accountMaintMargin, '0') > 0;
    if (warnUniMmr !== undefined && this.rearmAbove !== undefined && measurable) {
      if (state.warnArmed && compareDecimal(info.uniMMR, warnUniMmr) < 0) {
        change.warnArmed = false;
        alerts.push({
          id: `risk:warn:${this.o.clock.now()}`,
          risk: { kind: 'warning', threshold: warnUniMmr, time: info.updateTime, ...figures },
        });
      } else if (!state.warnArmed && compareDecimal(info.uniMMR, this.rearmAbove) > 0) {
        change.warnArmed = true;
        logger.info('uniMMR is back above the early warning re-arm line; the next fall below RISK_WARN_UNIMMR warns again', {
          uniMmr: info.uniMMR,
          rearmAbove: this.rearmAbove,
        });
      }
    }
    if (alerts.length > 0 || Object.keys(change).length > 0) await this.commit(change, alerts);
    // The read's time, not `updateTime`: that is when the account last changed, which on a quiet day is long ago.
    await this.recordUniMmr(info.accountMaintMargin, { value: info.uniMMR, time: this.o.clock.now() });
  }

  /**
   * Writes `change` and queues `alerts` in one store write, retried with backoff until the file holds
   * them (the stream sends an event once: a failed write must not lose it); false once stopping.
   */
  private async commit(change: Partial<RiskMonitorState>, alerts: RiskAlert[]): Promise<boolean> {
    const { riskOutbox, clock, logger, onQueued } = this.o;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await riskOutbox.commit(change, alerts, clock.now());
        if (alerts.length > 0) onQueued();
        return true;
      } catch (error) {
        const retryInMs = backoffDelay(attempt, { ...COMMIT_RETRY, jitter: 'equal' });
        logger.error('could not write a risk alert to the store; retrying', { error, attempt, retryInMs, alerts: alerts.map((a) => a.id) });
        const slept = await clock.sleep(retryInMs, this.stopping.signal).then(
          () => true,
          () => false,
        );
        if (!slept) return false;
      }
    }
  }

  /**
   * The wait before the next account read: shorter while a level is active, at most
   * `DIGEST_UNIMMR_POLL_MS` with the digest on; undefined when nothing needs one.
   */
  private interval(): number | undefined {
    const { riskOutbox, activePollMs, warnUniMmr, warnPollMs, uniMmrLows } = this.o;
    const alerting =
      riskOutbox.state.level !== null
        ? (activePollMs ?? RISK_ACTIVE_POLL_MS)
        : warnUniMmr === undefined
          ? undefined
          : (warnPollMs ?? RISK_WARN_POLL_MS);
    if (!uniMmrLows) return alerting;
    return Math.min(alerting ?? DIGEST_UNIMMR_POLL_MS, DIGEST_UNIMMR_POLL_MS);
  }

  private async pollLoop(): Promise<void> {
    const { clock } = this.o;
    const stop = this.stopping.signal;
    if (this.interval() !== undefined) await this.checkNow();
    while (!stop.aborted) {
      const wait = this.interval();
      const cut = AbortSignal.any([stop, this.rewait.signal]);
      // No interval: nothing to poll until a level event cuts this wait (a day is just an upper bound).
      const woke = await clock.sleep(wait ?? DAY_MS, cut).then(
        () => true,
        () => false,
      );
      if (this.rewait.signal.aborted) this.rewait = new AbortController();
      if (stop.aborted) return;
      if (woke && wait !== undefined) await this.checkNow();
    }
  }
}

/** The figures of a `riskLevelChange`. */
function figuresOf(event: StreamRiskEvent): RiskFigures {
  return { uniMmr: event.uniMmr, equity: event.equity, actualEquity: event.actualEquity, maintenanceMargin: event.maintenanceMargin };
}

/** The same figures from `GET /papi/v1/account`. */
function accountFigures(info: AccountInformation): RiskFigures {
  return { uniMmr: info.uniMMR, equity: info.accountEquity, actualEquity: info.actualEquity, maintenanceMargin: info.accountMaintMargin };
}

import { DAY_MS, MINUTE_MS } from '../time.js';
import { binanceErrors, type SimBinanceError } from './errors.js';

/**
 * Request-weight accounting per IP, as Binance describes its IP limits
 * (https://developers.binance.com/docs/derivatives/portfolio-margin/general-info, "IP Limits"):
 * - weight is counted per IP (not per key) in the current minute of the server clock;
 * - a request that takes the minute over the limit gets HTTP 429, -1003 and a `Retry-After` of the
 *   seconds left in the minute ("to prevent a ban");
 * - "Repeatedly violating rate limits and/or failing to back off after receiving 429s will result in
 *   an automated IP ban (HTTP status 418)": here, more than `strikesBeforeBan` 429s in one minute;
 * - "IP bans ... scale in duration for repeat offenders, from 2 minutes to 3 days": the first ban
 *   lasts 2 minutes and each later one doubles, capped at 3 days; `Retry-After` gives the seconds
 *   until the ban ends and the message names its end in ms.
 */
export class WeightLimiter {
  private readonly ips = new Map<string, IpState>();

  constructor(
    private readonly limitPerMinute: number,
    private readonly strikesBeforeBan: number,
  ) {}

  /** Charges `weight` to `ip` at `now`; returns the error to answer with, or undefined to proceed. */
  admit(ip: string, weight: number, now: number): SimBinanceError | undefined {
    const state = this.state(ip, now);
    if (state.bannedUntil > now) return this.banned(state, now);
    state.used += weight;
    if (state.used <= this.limitPerMinute) return undefined;
    state.strikes += 1;
    if (state.strikes > this.strikesBeforeBan) {
      state.bans += 1;
      state.bannedUntil = now + Math.min(FIRST_BAN_MS * 2 ** (state.bans - 1), MAX_BAN_MS);
      return this.banned(state, now);
    }
    const nextMinute = (Math.floor(now / MINUTE_MS) + 1) * MINUTE_MS;
    return binanceErrors.tooMuchWeight(this.limitPerMinute, Math.ceil((nextMinute - now) / 1000));
  }

  /** Weight `ip` has used in the minute that contains `now` (the `X-MBX-USED-WEIGHT-1m` value). */
  used(ip: string, now: number): number {
    return this.state(ip, now).used;
  }

  /** Weight every IP together has used in the minute that contains `now`. */
  total(now: number): number {
    let sum = 0;
    for (const ip of this.ips.keys()) sum += this.used(ip, now);
    return sum;
  }

  private banned(state: IpState, now: number): SimBinanceError {
    return binanceErrors.ipBanned(state.bannedUntil, Math.ceil((state.bannedUntil - now) / 1000));
  }

  private state(ip: string, now: number): IpState {
    const minute = Math.floor(now / MINUTE_MS);
    let state = this.ips.get(ip);
    if (!state) {
      state = { minute, used: 0, strikes: 0, bans: 0, bannedUntil: 0 };
      this.ips.set(ip, state);
    }
    if (state.minute !== minute) {
      state.minute = minute;
      state.used = 0;
      state.strikes = 0;
    }
    return state;
  }
}

interface IpState {
  minute: number;
  used: number;
  /** 429s answered this minute. */
  strikes: number;
  /** Bans so far: each one lasts twice the one before. */
  bans: number;
  bannedUntil: number;
}

const FIRST_BAN_MS = 2 * MINUTE_MS;
const MAX_BAN_MS = 3 * DAY_MS;

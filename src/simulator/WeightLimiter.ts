import { DAY_MS, MINUTE_MS } from '../time.js';
import { binanceErrors, type SimBinanceError } from './errors.js';
import type { SimApi } from './types.js';

/**
 * Request-weight accounting per API and IP, as Binance describes its IP limits
 * (https://developers.binance.com/docs/derivatives/portfolio-margin/general-info, "IP Limits"):
 * - weight is counted per IP (not per key) in the current minute of the server clock, and per API: papi,
 *   fapi, dapi and the spot api each have their own limit, counter and `X-MBX-USED-WEIGHT-1m` (each API's
 *   General Info and exchangeInfo `rateLimits` state its own limit), so weight spent on one never shows in
 *   another's header; whether a 418 on one API also bans the others is not documented: here it does not;
 * - a request that takes the minute over the limit gets HTTP 429, -1003 and a `Retry-After` of the
 *   seconds left in the minute ("to prevent a ban");
 * - "Repeatedly violating rate limits and/or failing to back off after receiving 429s will result in
 *   an automated IP ban (HTTP status 418)": here, more than `strikesBeforeBan` 429s in one minute;
 * - "IP bans ... scale in duration for repeat offenders, from 2 minutes to 3 days": the first ban
 *   lasts 2 minutes and each later one doubles, capped at 3 days; `Retry-After` gives the seconds
 *   until the ban ends and the message names its end in ms.
 */
export class WeightLimiter {
  /** Per API, per IP. */
  private readonly ips = new Map<SimApi, Map<string, IpState>>();

  constructor(
    private readonly limitsPerMinute: Readonly<Record<SimApi, number>>,
    private readonly strikesBeforeBan: number,
  ) {}

  /** The per-minute limit of `api`. */
  limit(api: SimApi): number {
    return this.limitsPerMinute[api];
  }

  /** Charges `weight` to `ip` on `api` at `now`; returns the error to answer with, or undefined to proceed. */
  admit(api: SimApi, ip: string, weight: number, now: number): SimBinanceError | undefined {
    const state = this.state(api, ip, now);
    if (state.bannedUntil > now) return this.banned(state, now);
    state.used += weight;
    const limit = this.limitsPerMinute[api];
    if (state.used <= limit) return undefined;
    state.strikes += 1;
    if (state.strikes > this.strikesBeforeBan) {
      state.bans += 1;
      state.bannedUntil = now + Math.min(FIRST_BAN_MS * 2 ** (state.bans - 1), MAX_BAN_MS);
      return this.banned(state, now);
    }
    const nextMinute = (Math.floor(now / MINUTE_MS) + 1) * MINUTE_MS;
    return binanceErrors.tooMuchWeight(limit, Math.ceil((nextMinute - now) / 1000));
  }

  /** Weight `ip` has used on `api` in the minute that contains `now` (that API's `X-MBX-USED-WEIGHT-1m` value). */
  used(api: SimApi, ip: string, now: number): number {
    return this.state(api, ip, now).used;
  }

  /** Weight every IP together has used on `api` in the minute that contains `now`. */
  total(api: SimApi, now: number): number {
    let sum = 0;
    for (const ip of this.ips.get(api)?.keys() ?? []) sum += this.used(api, ip, now);
    return sum;
  }

  private banned(state: IpState, now: number): SimBinanceError {
    return binanceErrors.ipBanned(state.bannedUntil, Math.ceil((state.bannedUntil - now) / 1000));
  }

  private state(api: SimApi, ip: string, now: number): IpState {
    const minute = Math.floor(now / MINUTE_MS);
    let ips = this.ips.get(api);
    if (!ips) {
      ips = new Map();
      this.ips.set(api, ips);
    }
    let state = ips.get(ip);
    if (!state) {
      state = { minute, used: 0, strikes: 0, bans: 0, bannedUntil: 0 };
      ips.set(ip, state);
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

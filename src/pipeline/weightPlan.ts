import { ACCOUNT_WEIGHT } from '../binance/AccountClient.js';
import { LISTEN_KEY_WEIGHT } from '../binance/ListenKeyClient.js';
import { MARGIN_FORCE_ORDERS_WEIGHT } from '../binance/MarginForceOrderClient.js';
import { FORCE_ORDERS_WEIGHT } from '../binance/PapiClient.js';
import type { Market } from '../binance/types.js';
import { DEFAULT_KEEPALIVE_INTERVAL_MS } from '../stream/UserDataStream.js';
import { MINUTE_MS } from '../time.js';
import { DIGEST_UNIMMR_POLL_MS, RISK_WARN_POLL_MS } from './RiskMonitor.js';
import { DEFAULT_RECONCILE_INTERVAL_MS } from './StreamSource.js';

/**
 * Share of the PAPI limit quiet accounts may cost: the other 20% is kept for what comes in bursts, /forceorders
 * and /risk commands and the pages of a cascade (300 orders cost about 6 pages per book and sweep).
 */
export const QUIET_SHARE_OF_LIMIT = 0.8;

/** What one account's quiet PAPI requests depend on: its settings as the pipeline runs them. */
export interface AccountWeightPlan {
  /** The books watched (BINANCE_MARKETS). */
  markets: readonly Market[];
  /** POLL_INTERVAL_MS: time between polls without the stream (and while it is not open). */
  pollIntervalMs: number;
  /**
   * BINANCE_STREAM on: while the stream is open REST reconciles every `reconcileIntervalMs`
   * (RECONCILE_INTERVAL_MS) and the listenKey is kept alive every `keepAliveIntervalMs` (default
   * `DEFAULT_KEEPALIVE_INTERVAL_MS`); undefined: polling only.
   */
  stream?: { reconcileIntervalMs: number; keepAliveIntervalMs?: number };
  /** RISK_WARN_UNIMMR set: the risk monitor reads the account every `RISK_WARN_POLL_MS` even with no risk level active. */
  riskWarning: boolean;
  /** DIGEST_AT set: the risk monitor reads the account at least every `DIGEST_UNIMMR_POLL_MS` for the lowest uniMMR. */
  digest?: boolean;
}

/**
 * Weight of one poll of a quiet account: one request per book. A fresh poll's window and a late sweep's
 * (POLL_OVERLAP_MS and a quarter more, plus an interval: hours at most by the settings' bounds) both fit the
 * 7 days one request serves, and without orders no page is full, so POLL_OVERLAP_MS adds nothing while quiet.
 * Futures books: "50 without symbol"; the margin book: one page.
 */
function pollWeight(markets: readonly Market[]): number {
  return markets.reduce((sum, market) => sum + (market === 'margin' ? MARGIN_FORCE_ORDERS_WEIGHT : FORCE_ORDERS_WEIGHT.withoutSymbol), 0);
}

/**
 * PAPI weight one quiet account (no force order, no risk level active) costs per minute: its polls
 * (ForceOrderPoller: one poll per interval, sweeps included), with the stream open its reconciliations
 * and listenKey keepalives instead of the interval, and the risk monitor's account reads for the early
 * warning (or, less often, for the digest's lowest uniMMR). The stream's start (one listenKey request) and its daily rotation round to nothing; fapi's
 * clock sync is counted apart by Binance.
 */
export function accountWeightPerMinute(plan: AccountWeightPlan): number {
  const { stream } = plan;
  const pollEveryMs = stream ? stream.reconcileIntervalMs : plan.pollIntervalMs;
  const keepAlives = stream ? (LISTEN_KEY_WEIGHT * MINUTE_MS) / (stream.keepAliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS) : 0;
  const readEveryMs = plan.riskWarning ? RISK_WARN_POLL_MS : plan.digest ? DIGEST_UNIMMR_POLL_MS : undefined;
  const riskReads = readEveryMs === undefined ? 0 : (ACCOUNT_WEIGHT * MINUTE_MS) / readEveryMs;
  return (pollWeight(plan.markets) * MINUTE_MS) / pollEveryMs + keepAlives + riskReads;
}

/**
 * Undefined when the accounts' quiet weight fits `QUIET_SHARE_OF_LIMIT` of `limit` (BINANCE_WEIGHT_LIMIT),
 * else one line saying what they cost, what may be spent, and the fix: the POLL_INTERVAL_MS at which the
 * polling accounts fit, BINANCE_STREAM on, or (all streaming) the RECONCILE_INTERVAL_MS at which they fit.
 */
export function capacityProblem(accounts: readonly AccountWeightPlan[], limit: number): string | undefined {
  const quiet = total(accounts);
  const spendable = Math.floor(limit * QUIET_SHARE_OF_LIMIT);
  if (quiet <= spendable) return undefined;
  const problem =
    `${accounts.length} accounts cost ${Math.ceil(quiet)} PAPI weight a minute while quiet, more than the ${spendable} ` +
    `(${QUIET_SHARE_OF_LIMIT * 100}% of BINANCE_WEIGHT_LIMIT=${limit}; the rest is kept for commands and cascade paging) they may spend`;
  const polling = accounts.filter((a) => !a.stream);
  const streaming = accounts.filter((a) => a.stream);
  const fixes: string[] = [];
  const pollEvery = intervalToFit(polling, spendable - total(streaming) - riskAndKeepAlives(polling));
  if (pollEvery !== undefined) fixes.push(`raise POLL_INTERVAL_MS to at least ${pollEvery}`);
  if (polling.length > 0) {
    const onStream = total(accounts.map((a) => (a.stream ? a : { ...a, stream: { reconcileIntervalMs: DEFAULT_RECONCILE_INTERVAL_MS } })));
    if (onStream <= spendable) fixes.push(`turn BINANCE_STREAM on (${Math.ceil(onStream)} a minute)`);
  }
  const reconcileEvery = polling.length === 0 ? intervalToFit(streaming, spendable - riskAndKeepAlives(streaming)) : undefined;
  if (reconcileEvery !== undefined) fixes.push(`raise RECONCILE_INTERVAL_MS to at least ${reconcileEvery}`);
  fixes.push('watch fewer accounts from this IP');
  return `${problem}: ${fixes.join(', or ')}`;
}

/** The accounts' quiet weight per minute, summed. */
function total(accounts: readonly AccountWeightPlan[]): number {
  return accounts.reduce((sum, plan) => sum + accountWeightPerMinute(plan), 0);
}

/** What the accounts cost per minute besides their polls. */
function riskAndKeepAlives(accounts: readonly AccountWeightPlan[]): number {
  return accounts.reduce((sum, plan) => sum + accountWeightPerMinute({ ...plan, markets: [] }), 0);
}

/** The shortest interval, in whole seconds, at which the accounts' polls cost at most `room` per minute; undefined if none does. */
function intervalToFit(accounts: readonly AccountWeightPlan[], room: number): number | undefined {
  const perPoll = accounts.reduce((sum, plan) => sum + pollWeight(plan.markets), 0);
  if (perPoll === 0 || room <= 0) return undefined;
  const second = 1_000;
  return Math.ceil((perPoll * MINUTE_MS) / room / second) * second;
}

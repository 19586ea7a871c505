/**
 * `/risk` answers in plain words, free of platform markup: the account's figures, what its status
 * means, and each position's place in the ADL queue, laid out by every renderer in its own way.
 */

import { type AccountInformation, type AccountStatus, ADL_SIDES } from '../binance/AccountClient.js';
import { displayDecimal } from '../decimal.js';
import type { RiskPosition } from '../queries.js';
import { formatTime } from '../time.js';

/** The `/risk` usage line. */
export const RISK_USAGE = 'Usage: /risk [public]';

/** How to read a quantile, shown beside the positions. */
export const ADL_SCALE = 'ADL quantile 0 (last in the queue) to 4 (first to be auto-deleveraged)';

/**
 * What each `accountStatus` means for the team, mildest first. Binance names the statuses but does
 * not publish classic PM's uniMMR bands, so this says what a status restricts, not where it starts.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/account/Account-Information
 */
const STATUS_MEANING: Record<AccountStatus, string> = {
  NORMAL: 'Healthy: no margin call.',
  MARGIN_CALL: 'Margin call: add collateral or reduce positions before Binance restricts the account.',
  SUPPLY_MARGIN: 'Supply margin: Binance asks for more collateral now; add some or reduce positions.',
  REDUCE_ONLY: 'Reduce only: orders that open or add to positions are refused until uniMMR recovers; add collateral or reduce.',
  ACTIVE_LIQUIDATION: 'Active liquidation: Binance is closing positions to bring the margin back.',
  FORCE_LIQUIDATION: 'Force liquidation: Binance is liquidating the account.',
  BANKRUPTED: 'Bankrupt: the account equity has run out.',
};

/** What the account's status means and what the team can do. */
export function statusMeaning(status: AccountStatus): string {
  return STATUS_MEANING[status];
}

/** How serious a status is, for colours and icons: `ok`, `warning` (margin call, supply margin) or `danger`. */
export function statusSeverity(status: AccountStatus): 'ok' | 'warning' | 'danger' {
  if (status === 'NORMAL') return 'ok';
  return status === 'MARGIN_CALL' || status === 'SUPPLY_MARGIN' ? 'warning' : 'danger';
}

/** One labelled figure of the account, formatted for display. */
export interface RiskFact {
  label: string;
  value: string;
}

/** The account's figures in the order every renderer shows them; USD amounts rounded only for display. */
export function riskFacts(account: AccountInformation): RiskFact[] {
  const facts: RiskFact[] = [
    { label: 'Status', value: account.accountStatus },
    { label: 'uniMMR', value: displayDecimal(account.uniMMR, 4) },
    { label: 'Equity (USD)', value: displayDecimal(account.accountEquity) },
    { label: 'Actual equity (USD)', value: displayDecimal(account.actualEquity) },
    { label: 'Maintenance margin (USD)', value: displayDecimal(account.accountMaintMargin) },
  ];
  if (account.totalMarginOpenLoss !== undefined) {
    facts.push({ label: 'Margin open loss (USD)', value: displayDecimal(account.totalMarginOpenLoss) });
  }
  facts.push({ label: 'Updated', value: formatTime(account.updateTime) });
  return facts;
}

const BOOK = { cm: 'COIN-M', um: 'USD-M' } as const;

/** Which position: `BTCUSD_PERP (COIN-M)`. */
export function adlPositionName(position: RiskPosition): string {
  return `${position.symbol} (${BOOK[position.market]})`;
}

/**
 * Its place in the queue: `3 · LONG 0, SHORT 0, BOTH 3`, the highest score first, then each side
 * Binance scored; crossed hedge mode says so, its LONG and SHORT sharing one score.
 */
export function adlScores(position: RiskPosition): string {
  const sides = ADL_SIDES.filter((side) => position.quantiles[side] !== undefined)
    .map((side) => `${side} ${position.quantiles[side]}`)
    .join(', ');
  return `${position.highest} · ${sides}${position.hedged ? ' (crossed hedge mode)' : ''}`;
}

/** One line per position: `BTCUSD_PERP (COIN-M): 3 · LONG 0, SHORT 0, BOTH 3`. */
export function describeAdlPosition(position: RiskPosition): string {
  return `${adlPositionName(position)}: ${adlScores(position)}`;
}

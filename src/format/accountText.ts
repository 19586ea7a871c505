/**
 * How every platform names the account an alert, notice or command answer is about (issue 13): the
 * account's name in front of the title, in one form on Slack, Discord and the console, and the one
 * line that summarises an answer when a reply has no room to show it whole.
 */

import { displayDecimal } from '../decimal.js';
import type { CommandRefusal, ForceOrdersResult, RiskResult } from '../queries.js';
import { describeKindTotals } from './orderText.js';

/** `title` headed by the account's name (`desk-a · LIQUIDATION · BTCUSD_PERP SELL`); `title` alone when no account is named. */
export function accountTitle(account: string | undefined, title: string): string {
  return account === undefined ? title : `${account} · ${title}`;
}

/** A `/forceorders` answer in one line: `3 force orders (3 liquidations, 0 ADL), 300 USD notional`; a refusal's error. */
export function forceOrdersSummary(result: ForceOrdersResult): string {
  if (!result.ok) return refusalSummary(result);
  return `${result.total} force orders (${describeKindTotals(result.totals)}), ${displayDecimal(result.totals.notionalUsd)} USD notional`;
}

/** A `/risk` answer in one line: `REDUCE_ONLY: uniMMR 1.0812, equity 54,000.12 USD, maintenance margin 49,942.5 USD`; a refusal's error. */
export function riskSummary(result: RiskResult): string {
  if (!result.ok) return refusalSummary(result);
  const { account } = result;
  return (
    `${account.accountStatus}: uniMMR ${displayDecimal(account.uniMMR, 4)}, equity ${displayDecimal(account.accountEquity)} USD, ` +
    `maintenance margin ${displayDecimal(account.accountMaintMargin)} USD`
  );
}

function refusalSummary(refusal: CommandRefusal): string {
  return refusal.error;
}

/** What a reply says of the accounts it had no room to show in full, before it lists them in one line each. */
export function unshownAccountsLead(count: number): string {
  return `${count} more account${count === 1 ? '' : 's'}, in one line each (ask for one account by name to see it whole):`;
}

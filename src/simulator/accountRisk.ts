import { addDecimal, compareDecimal, isDecimal, mulDecimal } from '../decimal.js';
import { divideDecimal } from './OrderGenerator.js';
import type { Route } from './routes.js';

/** `accountStatus` of a Portfolio Margin account, as `GET /papi/v1/account` documents it. */
export type SimAccountStatus =
  | 'NORMAL'
  | 'MARGIN_CALL'
  | 'SUPPLY_MARGIN'
  | 'REDUCE_ONLY'
  | 'ACTIVE_LIQUIDATION'
  | 'FORCE_LIQUIDATION'
  | 'BANKRUPTED';

/** What {@link AccountRisk.set} takes: the new status and uniMMR, and optionally new equity figures. */
export interface SimRiskInput {
  status: SimAccountStatus;
  /** uniMMR = account equity ÷ maintenance margin, e.g. "1.45"; the maintenance margin follows from it. */
  uniMMR: string;
  /** Account equity in USD (after collateral rates); default unchanged. */
  accountEquity?: string;
  /** Equity without collateral rates in USD; default unchanged. */
  actualEquity?: string;
}

/**
 * The body of `GET /papi/v1/account`, field for field as Binance documents it
 * (https://developers.binance.com/docs/derivatives/portfolio-margin/account/Account-Information;
 * schema `AccountInformationResponse` in binance/binance-connector-js
 * `clients/derivatives-trading-portfolio-margin`). USD amounts are 8-decimal strings.
 */
export interface AccountInformationWire {
  uniMMR: string;
  accountEquity: string;
  actualEquity: string;
  accountInitialMargin: string;
  accountMaintMargin: string;
  accountStatus: SimAccountStatus;
  virtualMaxWithdrawAmount: string;
  totalAvailableBalance: string;
  totalMarginOpenLoss: string;
  updateTime: number;
}

/**
 * The `riskLevelChange` event of the PM user data stream
 * (https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-riskLevelChange):
 * the page is titled `RISK_LEVEL_CHANGE`, its payload says `"e":"riskLevelChange"`.
 */
export interface RiskLevelChangeWire {
  e: 'riskLevelChange';
  E: number;
  /** uniMMR. */
  u: string;
  s: 'MARGIN_CALL' | 'SUPPLY_MARGIN' | 'REDUCE_ONLY' | 'FORCE_LIQUIDATION';
  /** Account equity in USD. */
  eq: string;
  /** Actual equity without collateral rate in USD. */
  ae: string;
  /** Total maintenance margin in USD. */
  m: string;
}

/**
 * The statuses pushed as `riskLevelChange`: the event page names MARGIN_CALL, REDUCE_ONLY and
 * FORCE_LIQUIDATION; SUPPLY_MARGIN, the account status between the first two, is pushed too
 * (unconfirmed: a client must take it either way). NORMAL, ACTIVE_LIQUIDATION and BANKRUPTED push nothing.
 */
const PUSHED_LEVELS: ReadonlySet<SimAccountStatus> = new Set(['MARGIN_CALL', 'SUPPLY_MARGIN', 'REDUCE_ONLY', 'FORCE_LIQUIDATION']);

/** The initial margin the simulated positions need, as a multiple of their maintenance margin (a plausible ratio, not Binance's). */
const INITIAL_PER_MAINT_MARGIN = '2';

/** A healthy account to start from: uniMMR 8, far above any warning level. */
const HEALTHY: SimRiskInput = { status: 'NORMAL', uniMMR: '8', accountEquity: '125000', actualEquity: '131250' };

/**
 * The account's risk as the simulator reports it: `GET /papi/v1/account` answers it, and a change to
 * a pushed level notifies the listeners (the user data stream sends it as `riskLevelChange`), so the
 * two always agree. Figures follow from equity and uniMMR: maintenance margin = equity ÷ uniMMR.
 */
export class AccountRisk {
  private state: AccountInformationWire;
  private readonly listeners = new Set<(event: RiskLevelChangeWire) => void>();

  constructor(private readonly serverNow: () => number) {
    this.state = derive(HEALTHY, { accountEquity: '0', actualEquity: '0' }, serverNow());
  }

  /** The current `GET /papi/v1/account` body. */
  information(): AccountInformationWire {
    return { ...this.state };
  }

  /**
   * Sets the account's risk. When the status changes to a pushed level, returns the `riskLevelChange`
   * it pushed to the listeners; otherwise (same level, or a level the stream does not push) undefined.
   */
  set(input: SimRiskInput): RiskLevelChangeWire | undefined {
    const previous = this.state.accountStatus;
    this.state = derive(input, this.state, this.serverNow());
    if (input.status === previous || !PUSHED_LEVELS.has(input.status)) return undefined;
    const event: RiskLevelChangeWire = {
      e: 'riskLevelChange',
      E: this.state.updateTime,
      u: this.state.uniMMR,
      s: input.status as RiskLevelChangeWire['s'],
      eq: this.state.accountEquity,
      ae: this.state.actualEquity,
      m: this.state.accountMaintMargin,
    };
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** Calls `listener` with every `riskLevelChange`; returns the function that unsubscribes it. */
  onLevelChange(listener: (event: RiskLevelChangeWire) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** `GET /papi/v1/account` (USER_DATA, signed, weight 20, no parameters of its own): the signing account's risk. */
export const ACCOUNT_INFORMATION_ROUTE: Route<{ risk: AccountRisk }> = {
  weight: () => 20,
  signed: true,
  params: [],
  handle: (_context, account) => account.risk.information(),
};

function derive(
  input: SimRiskInput,
  current: Pick<AccountInformationWire, 'accountEquity' | 'actualEquity'>,
  serverNow: number,
): AccountInformationWire {
  const accountEquity = fixed8(input.accountEquity ?? current.accountEquity);
  const actualEquity = fixed8(input.actualEquity ?? current.actualEquity);
  if (!isDecimal(input.uniMMR) || compareDecimal(input.uniMMR, '0') <= 0) {
    throw new RangeError(`uniMMR must be a positive decimal such as "1.45", got ${JSON.stringify(input.uniMMR)}`);
  }
  const maint = divideDecimal(accountEquity, input.uniMMR, 8);
  const initial = fixed8(mulDecimal(maint, INITIAL_PER_MAINT_MARGIN));
  const free = addDecimal(accountEquity, `-${initial}`);
  const available = compareDecimal(free, '0') > 0 ? fixed8(free) : '0.00000000';
  return {
    uniMMR: fixed8(input.uniMMR),
    accountEquity,
    actualEquity,
    accountInitialMargin: initial,
    accountMaintMargin: maint,
    accountStatus: input.status,
    virtualMaxWithdrawAmount: available,
    totalAvailableBalance: available,
    totalMarginOpenLoss: '0.00000000',
    updateTime: serverNow,
  };
}

/** A non-negative decimal written with exactly 8 fractional digits (truncated), as Binance writes USD amounts. */
function fixed8(text: string): string {
  if (!isDecimal(text) || text.startsWith('-')) throw new RangeError(`expected a non-negative decimal, got ${JSON.stringify(text)}`);
  const [whole = '0', fraction = ''] = text.split('.');
  return `${whole}.${fraction.padEnd(8, '0').slice(0, 8)}`;
}

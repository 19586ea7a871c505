/**
 * The words of a risk alert, platform-free: what each Portfolio Margin risk level means and what the
 * team can do about it, the figures to show, and which alerts call people. Slack, Discord and the
 * console render these; none of them writes its own.
 */

import { displayDecimal } from '../decimal.js';
import type { RiskEvent } from '../sinks/Sink.js';
import type { RiskLevel } from '../stream/events.js';
import { formatTime } from '../time.js';

/** What a risk level means for the account, and what the team can do now. */
export interface RiskGuidance {
  meaning: string;
  action: string;
}

/**
 * Each level the user data stream pushes (`riskLevelChange.s`), mildest first, in the words of
 * Binance's `GET /papi/v1/account` statuses. Binance publishes uniMMR bands only for PM Pro (120-150%
 * reminder, 105-120% reduce-only, 100-105% liquidation); for classic PM they are unconfirmed, so the
 * text names no figure: the level Binance sends is the fact.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-riskLevelChange
 * https://developers.binance.com/docs/derivatives/portfolio-margin/account/Account-Information
 */
export const RISK_LEVEL_GUIDANCE: Readonly<Record<RiskLevel, RiskGuidance>> = {
  MARGIN_CALL: {
    meaning:
      'Margin call: uniMMR has fallen to the margin-call line. Trading is not restricted yet, but the account is the next step from reduce-only.',
    action: 'Add collateral to the Portfolio Margin account or reduce positions now, while every order is still accepted.',
  },
  SUPPLY_MARGIN: {
    meaning: 'Supply margin: uniMMR is below the margin-call line and Binance asks for more margin.',
    action: 'Transfer collateral into the Portfolio Margin account or close positions; reduce-only comes next.',
  },
  REDUCE_ONLY: {
    meaning: 'Reduce-only: Binance accepts only orders that reduce positions; anything that adds risk is refused.',
    action: 'Close or reduce positions, or add collateral to lift uniMMR; liquidation comes next.',
  },
  FORCE_LIQUIDATION: {
    meaning: "Force liquidation: Binance's liquidation engine is closing the account's positions.",
    action: 'Add collateral at once to stop further liquidation; expect force-order alerts for what is closed.',
  },
};

/** What Binance says of the event itself: it may arrive after the liquidation it warns of. */
export const RISK_GUIDANCE_NOTE = 'Risk guidance only: the position may already be liquidated.';

/** Levels at which the configured Slack mention and Discord role are called: trading is already restricted. */
const MENTIONED_LEVELS: ReadonlySet<RiskLevel> = new Set(['REDUCE_ONLY', 'FORCE_LIQUIDATION']);

/** True when the alert should call people (SLACK_MENTION, DISCORD_MENTION_ROLE_ID): REDUCE_ONLY and FORCE_LIQUIDATION. */
export function riskAlertMentions(risk: RiskEvent): boolean {
  return risk.kind === 'level' && MENTIONED_LEVELS.has(risk.level);
}

/** How bad it is: `danger` once trading is restricted, `warning` before, `ok` when back to normal. */
export type RiskSeverity = 'danger' | 'warning' | 'ok';

/** The severity of a risk alert, for its colour and icon. */
export function riskSeverity(risk: RiskEvent): RiskSeverity {
  if (risk.kind === 'normal') return 'ok';
  return riskAlertMentions(risk) ? 'danger' : 'warning';
}

/** The alert's title, e.g. `Account risk: REDUCE_ONLY`. */
export function riskTitle(risk: RiskEvent): string {
  switch (risk.kind) {
    case 'level':
      return `Account risk: ${risk.level}`;
    case 'normal':
      return 'Account back to NORMAL';
    case 'warning':
      return `uniMMR ${displayDecimal(risk.uniMmr, 4)} is below the early warning at ${risk.threshold}`;
  }
}

/** What happened and what to do, as a few sentences of plain text. */
export function riskGuidance(risk: RiskEvent): RiskGuidance {
  switch (risk.kind) {
    case 'level':
      return RISK_LEVEL_GUIDANCE[risk.level];
    case 'normal':
      return {
        meaning: `The account is NORMAL again, after ${risk.previousLevel}: no risk level is active.`,
        action: 'Nothing to do now; forcewatch alerts again at the next risk level.',
      };
    case 'warning':
      return {
        meaning: `uniMMR fell below RISK_WARN_UNIMMR (${risk.threshold}): the account is nearing Binance's margin-call line.`,
        action: 'Add collateral or reduce positions before Binance restricts the account.',
      };
  }
}

/** One labelled figure of a risk alert. */
export interface RiskFact {
  label: string;
  value: string;
}

/**
 * `ms` as text; the raw number for a time a Date cannot hold (the stream's parser takes any safe
 * integer): a RangeError while rendering would fail the delivery on every retry and hold up the sink.
 */
function riskTimeText(ms: number): string {
  return isDisplayableTime(ms) ? formatTime(ms) : `time ${ms}`;
}

/** True when a Date can hold `ms`. */
export function isDisplayableTime(ms: number): boolean {
  return !Number.isNaN(new Date(ms).getTime());
}

/** The figures a risk alert shows, in order; the last one is always `Time`. */
export function riskAlertFacts(risk: RiskEvent): RiskFact[] {
  return [
    { label: 'uniMMR', value: displayDecimal(risk.uniMmr, 4) },
    { label: 'Equity (USD)', value: displayDecimal(risk.equity) },
    { label: 'Actual equity (USD)', value: displayDecimal(risk.actualEquity) },
    { label: 'Maintenance margin (USD)', value: displayDecimal(risk.maintenanceMargin) },
    { label: 'Time', value: riskTimeText(risk.time) },
  ];
}

/** One line for notification previews and logs: title, uniMMR, equity and maintenance margin. */
export function riskAlertSummary(risk: RiskEvent): string {
  return (
    `${riskTitle(risk)}: uniMMR ${displayDecimal(risk.uniMmr, 4)}, equity ${displayDecimal(risk.equity)} USD, ` +
    `maintenance margin ${displayDecimal(risk.maintenanceMargin)} USD`
  );
}

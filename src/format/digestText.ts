/**
 * The daily digest in plain words, free of platform markup: the pieces Slack, Discord and the console
 * lay out in their own way, and the whole digest as plain text (the console, and Slack's fallback).
 */

import { displayDecimal } from '../decimal.js';
import type { DailyDigest, DigestNotification, NotificationAccount } from '../sinks/Sink.js';
import { formatTime } from '../time.js';
import { formatKindCounts, orderSummary } from './orderText.js';

/** Symbols a digest lists by name, most notional first; the rest are counted in one line. */
const DIGEST_SYMBOLS_LISTED = 10;

/** What a quiet day's digest says in place of the figures: a quiet day is news to a risk desk too. */
export const QUIET_DAY = 'No force orders in the last 24 hours.';

/** A labelled fact of a digest, already formatted for display. */
export interface DigestFact {
  label: string;
  value: string;
}

/** The digest's title: `Daily digest · desk-a · 2026-11-26` (the account left out when none is named). */
export function digestTitle(digest: DailyDigest, account: NotificationAccount | undefined): string {
  return `Daily digest · ${digestSubject(digest, account)}`;
}

/** Whose digest and which day: `desk-a · 2026-11-26`. */
function digestSubject(digest: DailyDigest, account: NotificationAccount | undefined): string {
  return account ? `${account.name} · ${digest.day}` : digest.day;
}

/** The 24 hours covered: `2026-11-25T00:00:00Z to 2026-11-26T00:00:00Z`. */
export function digestWindow(digest: DailyDigest): string {
  return `${formatTime(digest.from)} to ${formatTime(digest.to)}`;
}

/**
 * The lowest uniMMR and when it was seen, or that none was (no account reads, or no positions);
 * `time` formats the instant (Slack shows it in each reader's zone).
 */
function lowestUniMmrText(digest: DailyDigest, time: (ms: number) => string): string {
  const low = digest.lowestUniMmr;
  return low ? `${displayDecimal(low.value, 4)} at ${time(low.time)}` : 'none seen';
}

/** The headline figures, in the order every renderer shows them; on a quiet day only the uniMMR. `time` formats its instant; default ISO UTC. */
export function digestFacts(digest: DailyDigest, time: (ms: number) => string = formatTime): DigestFact[] {
  const uniMmr = { label: 'Lowest uniMMR', value: lowestUniMmrText(digest, time) };
  if (digest.count === 0) return [uniMmr];
  return [
    { label: 'Force orders', value: String(digest.count) },
    { label: 'Notional (USD)', value: displayDecimal(digest.totalNotionalUsd) },
    { label: 'By kind', value: formatKindCounts(digest.byKind) },
    uniMmr,
  ];
}

/** The symbol lines: the top `DIGEST_SYMBOLS_LISTED` by notional, then `… and N more symbols` when there are more. */
export function digestSymbolLines(digest: DailyDigest): string[] {
  const listed = digest.symbols.slice(0, DIGEST_SYMBOLS_LISTED).map((s) => symbolLine(s));
  const more = digest.symbols.length - listed.length;
  return more > 0 ? [...listed, `… and ${more} more symbol${more === 1 ? '' : 's'}`] : listed;
}

/**
 * Characters of a symbol a digest line shows: Binance's are about 20 at most; a longer one is cut, so
 * the whole list fits one Slack section (3,000 characters) even after escaping (`<` becomes `&lt;`).
 */
const SYMBOL_SHOWN_MAX = 40;

function symbolLine(s: DailyDigest['symbols'][number]): string {
  const symbol = s.symbol.length > SYMBOL_SHOWN_MAX ? `${s.symbol.slice(0, SYMBOL_SHOWN_MAX - 1)}…` : s.symbol;
  return `${symbol}: ${s.count} order${s.count === 1 ? '' : 's'}, ${displayDecimal(s.notionalUsd)} USD`;
}

/** The largest order in one line, or undefined on a quiet day. */
export function largestOrderText(digest: DailyDigest): string | undefined {
  return digest.largest && orderSummary(digest.largest);
}

/** One line for notifications and logs: `Daily digest · desk-a · 2026-11-26: 5 force orders, 12,000 USD (…)`. */
export function digestSummary(digest: DailyDigest, account: NotificationAccount | undefined): string {
  const title = digestTitle(digest, account);
  if (digest.count === 0) return `${title}: no force orders`;
  const orders = `${digest.count} force order${digest.count === 1 ? '' : 's'}`;
  return `${title}: ${orders}, ${displayDecimal(digest.totalNotionalUsd)} USD notional (${formatKindCounts(digest.byKind)})`;
}

/** The whole digest as plain text, one fact a line (the console's view). */
export function digestText(notification: DigestNotification & { account?: NotificationAccount }): string {
  const { digest, account } = notification;
  const facts = digestFacts(digest);
  const width = Math.max(...facts.map((fact) => fact.label.length));
  const largest = largestOrderText(digest);
  return [
    `DAILY DIGEST: ${digestSubject(digest, account)}`,
    `  ${digestWindow(digest)}`,
    ...(digest.count === 0 ? [`  ${QUIET_DAY}`] : []),
    ...facts.map((fact) => `  ${fact.label.padEnd(width)}  ${fact.value}`),
    ...(largest === undefined ? [] : [`  Largest: ${largest}`]),
    ...digestSymbolLines(digest).map((line) => `  - ${line}`),
  ].join('\n');
}

/**
 * What `/forceorders` accepts, from any platform: its bounds (here, so the parser, the runner and the
 * usage line agree), the text parser (Slack, console), the typed-options parser (Discord), the reader
 * of each slot both share, and how user input is quoted back.
 */

import type { ForceOrderKind } from '../src/binance/types.js';
import { forceOrdersUsage } from '../src/format/orderText.js';
import type { ForceOrdersQuery } from '../src/queries.js';
import { DAY_MS, formatDuration, MINUTE_MS, parseDuration } from '../src/time.js';

/** Window when none is given: the last 24 hours. */
const DEFAULT_SINCE_MS = DAY_MS;
/** Rows when no count is given. */
const DEFAULT_LIMIT = 20;
/** Most rows one answer shows; also Binance's page maximum for force orders. */
export const MAX_LIMIT = 100;
/** Shortest window: one minute. */
export const MIN_SINCE_MS = MINUTE_MS;
/**
 * Longest window by default: 90 days, the history Binance's USD-M force-order page says it keeps and
 * a sensible archive retention. Adapters pass the archive's real reach when it is shorter.
 */
export const MAX_SINCE_MS = 90 * DAY_MS;
/** Input longer than this is refused before it is looked at: no real query needs more. */
const MAX_INPUT_LENGTH = 200;
/** Most characters of user input ever echoed back in an error. */
const MAX_ECHO_LENGTH = 24;

/** Options of `parseForceOrdersArgs` and `parseForceOrdersInput`. */
export interface ParseForceOrdersOptions {
  /** Longest window accepted, in ms (default `MAX_SINCE_MS`, 90 days): how far back the archive reaches. */
  maxSinceMs?: number;
}

/** A parsed `/forceorders` request, or why it was refused together with the usage line. */
export type ParsedForceOrdersArgs = { ok: true; query: ForceOrdersQuery } | { ok: false; error: string; usage: string };

/** The `/forceorders` arguments as a platform with typed options carries them; each is optional. */
export interface ForceOrdersArgs {
  /** A symbol or pair in any case (`BTCUSD_PERP`, `btcusd`); absent or blank = every symbol. */
  target?: string;
  /** Which force orders; absent or `all` = every kind. */
  kind?: 'liquidation' | 'adl' | 'settlement' | 'all';
  /** How far back, as the text command writes it (`30m`, `24h`, `7d`); absent or blank = 24 hours. */
  since?: string;
  /** Rows to show, 1 to `MAX_LIMIT`; absent = 20. */
  rows?: number;
  /** Answer in the channel instead of privately. */
  public?: boolean;
}

/**
 * COIN-M symbol shapes as Binance lists them: a pair (`BTCUSD`), its perpetual (`BTCUSD_PERP`) or a
 * delivery contract dated YYMMDD (`BTCUSD_200925`, as in the force-order response example).
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 */
const COIN_M_SYMBOL = /^([A-Z0-9]{2,20}USD)(?:_PERP|_(\d{2})(\d{2})(\d{2}))?$/;
/** A window: a whole number of minutes, hours, days or weeks (seconds are finer than the command needs). */
const WINDOW_UNITS = ['m', 'h', 'd', 'w'] as const;
const KINDS: Record<string, ForceOrderKind> = {
  liq: 'LIQUIDATION',
  liquidation: 'LIQUIDATION',
  liquidations: 'LIQUIDATION',
  adl: 'ADL',
  settlement: 'SETTLEMENT',
  settlements: 'SETTLEMENT',
};
/** Control and invisible formatting characters (zero-width, bidi overrides); tabs and newlines only separate. */
const FORBIDDEN = /[\p{Cc}\p{Cf}]/u;
const SEPARATORS = /^[\t\n\r]$/;

type Slot = 'target' | 'kind' | 'window' | 'limit' | 'public';
type Token =
  | { slot: 'target'; value: NonNullable<ForceOrdersQuery['target']> }
  | { slot: 'kind'; value: ForceOrderKind }
  | { slot: 'window'; value: number }
  | { slot: 'limit'; value: number }
  | { slot: 'public'; value: true }
  | { slot: 'error'; error: string };
/** A slot's reader: its token for a word of its shape (or a refusal naming what is wrong), else undefined. */
type SlotReader = (word: string) => Token | undefined;

const TWICE: Record<Slot, string> = {
  target: 'Two symbols, %1 and %2: ask for one symbol or pair at a time.',
  kind: 'Two kinds, %1 and %2: give one of liq, adl or settlement, or none for every kind.',
  window: 'Two windows, %1 and %2: give one.',
  limit: 'Two row counts, %1 and %2: give one.',
  public: '"public" given twice.',
};

/** What each slot accepts, in the words of an "Unknown word" refusal. */
const EXPECTED = {
  target: 'a symbol or pair (BTCUSD_PERP, BTCUSD)',
  kind: 'liq, adl or settlement',
  window: 'a window (30m, 24h, 7d)',
  limit: `a row count (1-${MAX_LIMIT})`,
  public: 'public',
} as const satisfies Record<Slot, string>;

/**
 * `/forceorders` input from any platform: text (Slack, console) goes through `parseForceOrdersArgs`,
 * typed options (Discord) through the same per-slot readers, one field at a time.
 */
export function parseForceOrdersInput(input: string | ForceOrdersArgs, options: ParseForceOrdersOptions = {}): ParsedForceOrdersArgs {
  return typeof input === 'string' ? parseForceOrdersArgs(input, options) : parseTypedArgs(input, options);
}

/**
 * Parses `[symbol-or-pair] [liq|adl|settlement] [since] [limit] [public]`, in any order and any case, separated
 * by spaces or commas. Every refusal names the token (quoted through `safeEcho`), says why and what is allowed.
 */
export function parseForceOrdersArgs(text: string, options: ParseForceOrdersOptions = {}): ParsedForceOrdersArgs {
  const maxSinceMs = options.maxSinceMs ?? MAX_SINCE_MS;
  const fail = failure(maxSinceMs);
  const refused = screen(text);
  if (refused !== undefined) return fail(refused);

  const query = defaultQuery();
  const seen = new Map<Slot, string>();
  // Commas separate too: people type `BTCUSD, adl, 7d`.
  for (const word of text.split(/[\s,]+/).filter((w) => w !== '')) {
    const token = classify(word, maxSinceMs);
    if (token.slot === 'error') return fail(token.error);
    const earlier = seen.get(token.slot);
    if (earlier !== undefined) return fail(TWICE[token.slot].replace('%1', safeEcho(earlier)).replace('%2', safeEcho(word)));
    seen.set(token.slot, word);
    assign(query, token);
  }
  return { ok: true, query };
}

/** Each typed field is read by its own slot's reader only, so a value can never land in another slot. */
function parseTypedArgs(args: ForceOrdersArgs, options: ParseForceOrdersOptions): ParsedForceOrdersArgs {
  const maxSinceMs = options.maxSinceMs ?? MAX_SINCE_MS;
  const tokens = [
    args.target === undefined ? undefined : readField(args.target, readTarget, EXPECTED.target),
    args.kind === undefined || args.kind === 'all' ? undefined : readField(args.kind, readKind, 'liquidation, adl, settlement or all'),
    args.since === undefined ? undefined : readField(args.since, (word) => readWindow(word, maxSinceMs), EXPECTED.window),
    args.rows === undefined ? undefined : rowsToken(args.rows, String(args.rows)),
    args.public === true ? PUBLIC : undefined,
  ];
  const query = defaultQuery();
  for (const token of tokens) {
    if (token?.slot === 'error') return failure(maxSinceMs)(token.error);
    if (token !== undefined) assign(query, token);
  }
  return { ok: true, query };
}

function failure(maxSinceMs: number): (error: string) => ParsedForceOrdersArgs {
  const usage = forceOrdersUsage({ maxLimit: MAX_LIMIT, maxSinceMs });
  return (error) => ({ ok: false, error, usage });
}

function defaultQuery(): ForceOrdersQuery {
  return { sinceMs: DEFAULT_SINCE_MS, limit: DEFAULT_LIMIT, public: false };
}

function assign(query: ForceOrdersQuery, token: Exclude<Token, { slot: 'error' }>): void {
  if (token.slot === 'target') query.target = token.value;
  else if (token.slot === 'kind') query.kind = token.value;
  else if (token.slot === 'window') query.sinceMs = token.value;
  else if (token.slot === 'limit') query.limit = token.value;
  else query.public = true;
}

/** Why input is refused before it is looked at (too long, or control or invisible characters), if it is. */
function screen(text: string): string | undefined {
  if (text.length > MAX_INPUT_LENGTH) return `Too long: ${text.length} characters, at most ${MAX_INPUT_LENGTH}.`;
  for (const c of text) {
    if (FORBIDDEN.test(c) && !SEPARATORS.test(c)) return 'Control or invisible characters are not allowed.';
  }
  return undefined;
}

/**
 * Only printable ASCII is ever interpreted: case-folding non-ASCII look-alikes ('ſ' -> 'S',
 * fullwidth letters) must not turn into a symbol the user did not type.
 */
function interpretable(word: string): boolean {
  return /^[\x21-\x7e]+$/.test(word);
}

function classify(word: string, maxSinceMs: number): Token {
  if (!interpretable(word)) return unknown(word);
  return readPublic(word) ?? readKind(word) ?? readRows(word) ?? readWindow(word, maxSinceMs) ?? readTarget(word) ?? unknown(word);
}

/**
 * One typed field as one word: whitespace inside it is dropped, never taken as a separator, so a
 * value cannot carry a second word into another slot. A blank field counts as absent.
 */
function readField(value: string, read: SlotReader, expected: string): Token | undefined {
  const refused = screen(value);
  if (refused !== undefined) return { slot: 'error', error: refused };
  const word = value.replace(/\s+/g, '');
  if (word === '') return undefined;
  return (interpretable(word) ? read(word) : undefined) ?? unknown(word, expected);
}

const PUBLIC: Token = { slot: 'public', value: true };

function readPublic(word: string): Token | undefined {
  return word.toLowerCase() === 'public' ? PUBLIC : undefined;
}

function readKind(word: string): Token | undefined {
  const kind = KINDS[word.toLowerCase()];
  return kind === undefined ? undefined : { slot: 'kind', value: kind };
}

function readRows(word: string): Token | undefined {
  if (!/^\d+$/.test(word)) return undefined;
  return rowsToken(word.length > 6 ? Infinity : Number(word), word);
}

/** A row count, shown to the user as `word`: a whole number from 1 to `MAX_LIMIT`. */
function rowsToken(count: number, word: string): Token {
  if (!Number.isInteger(count) || count < 1 || count > MAX_LIMIT)
    return { slot: 'error', error: `Row count ${safeEcho(word)} is out of range: use 1 to ${MAX_LIMIT}.` };
  return { slot: 'limit', value: count };
}

function readWindow(word: string, maxSinceMs: number): Token | undefined {
  const ms = parseDuration(word.toLowerCase(), WINDOW_UNITS);
  if (ms === undefined) return undefined;
  if (ms < MIN_SINCE_MS) return { slot: 'error', error: `Window ${safeEcho(word)} is empty: use at least 1m.` };
  if (ms > maxSinceMs)
    return {
      slot: 'error',
      error: `Window ${safeEcho(word)} reaches further back than the archive: at most ${formatDuration(maxSinceMs)}.`,
    };
  return { slot: 'window', value: ms };
}

function readTarget(word: string): Token | undefined {
  const upper = word.toUpperCase();
  const symbol = COIN_M_SYMBOL.exec(upper);
  if (symbol) {
    if (upper === symbol[1]) return { slot: 'target', value: { type: 'pair', value: upper } };
    if (symbol[2] !== undefined && !isDate(symbol[3], symbol[4]))
      return { slot: 'error', error: `${safeEcho(word)} has no valid delivery date: COIN-M delivery symbols end in _YYMMDD.` };
    return { slot: 'target', value: { type: 'symbol', value: upper } };
  }
  if (/^[A-Z0-9]{2,20}(USDT|USDC)$/.test(upper))
    return { slot: 'error', error: `${safeEcho(word)} is a USD-M symbol: /forceorders covers COIN-M (BTCUSD, BTCUSD_PERP).` };
  return undefined;
}

function isDate(month: string | undefined, day: string | undefined): boolean {
  const m = Number(month);
  const d = Number(day);
  return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/** A word no slot reads; free text may be any slot, so it lists them all. */
function unknown(
  word: string,
  expected = `${EXPECTED.target}, ${EXPECTED.kind}, ${EXPECTED.window}, ${EXPECTED.limit} or ${EXPECTED.public}`,
): Token {
  return { slot: 'error', error: `Unknown word ${safeEcho(word)}: expected ${expected}.` };
}

/**
 * A user's token made safe to quote back on any platform: only ASCII letters, digits, `_` and `-`
 * survive (anything else, such as `@`, `<`, `*`, a look-alike letter or an emoji, becomes `?`), and
 * at most `MAX_ECHO_LENGTH` characters, so no mention, link or markup can ride on an error message.
 */
export function safeEcho(token: string): string {
  const chars = Array.from(token);
  const shown = chars
    .slice(0, MAX_ECHO_LENGTH)
    .map((c) => (/^[A-Za-z0-9_-]$/.test(c) ? c : '?'))
    .join('');
  return `"${shown}${chars.length > MAX_ECHO_LENGTH ? '...' : ''}"`;
}

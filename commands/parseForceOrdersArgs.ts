import type { AutoCloseType } from '../src/binance/types.js';
import { forceOrdersUsage } from '../src/format/forceOrdersUsage.js';
import { formatDuration } from '../src/format/formatDuration.js';
import type { ForceOrdersQuery } from '../src/queries.js';
import { parseDuration } from '../src/time.js';
import { DEFAULT_LIMIT, DEFAULT_SINCE_MS, MAX_INPUT_LENGTH, MAX_LIMIT, MAX_SINCE_MS, MIN_SINCE_MS } from './forceOrdersLimits.js';
import { safeEcho } from './safeEcho.js';

/** Options of `parseForceOrdersArgs`. */
export interface ParseForceOrdersOptions {
  /** Longest window accepted, in ms (default `MAX_SINCE_MS`, 90 days): how far back the archive reaches. */
  maxSinceMs?: number;
}

/** A parsed `/forceorders` request, or why it was refused together with the usage line. */
export type ParsedForceOrdersArgs = { ok: true; query: ForceOrdersQuery } | { ok: false; error: string; usage: string };

/**
 * COIN-M symbol shapes as Binance lists them: a pair (`BTCUSD`), its perpetual (`BTCUSD_PERP`) or a
 * delivery contract dated YYMMDD (`BTCUSD_200925`, as in the force-order response example).
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 */
const COIN_M_SYMBOL = /^([A-Z0-9]{2,20}USD)(?:_PERP|_(\d{2})(\d{2})(\d{2}))?$/;
/** A window: a whole number of minutes, hours, days or weeks (seconds are finer than the command needs). */
const WINDOW_UNITS = ['m', 'h', 'd', 'w'] as const;
const KINDS: Record<string, AutoCloseType> = {
  liq: 'LIQUIDATION',
  liquidation: 'LIQUIDATION',
  liquidations: 'LIQUIDATION',
  adl: 'ADL',
};
/** Control and invisible formatting characters (zero-width, bidi overrides); tabs and newlines only separate. */
const FORBIDDEN = /[\p{Cc}\p{Cf}]/u;
const SEPARATORS = /^[\t\n\r]$/;

type Slot = 'target' | 'kind' | 'window' | 'limit' | 'public';
type Token =
  | { slot: 'target'; value: NonNullable<ForceOrdersQuery['target']> }
  | { slot: 'kind'; value: AutoCloseType }
  | { slot: 'window'; value: number }
  | { slot: 'limit'; value: number }
  | { slot: 'public'; value: true }
  | { slot: 'error'; error: string };

const TWICE: Record<Slot, string> = {
  target: 'Two symbols, %1 and %2: ask for one symbol or pair at a time.',
  kind: 'Two kinds, %1 and %2: give liq or adl, or neither for both.',
  window: 'Two windows, %1 and %2: give one.',
  limit: 'Two row counts, %1 and %2: give one.',
  public: '"public" given twice.',
};

/**
 * Parses `[symbol-or-pair] [liq|adl] [since] [limit] [public]`, in any order and any case, separated
 * by spaces or commas. Every refusal names the token (quoted through `safeEcho`), says why and what is allowed.
 */
export function parseForceOrdersArgs(text: string, options: ParseForceOrdersOptions = {}): ParsedForceOrdersArgs {
  const maxSinceMs = options.maxSinceMs ?? MAX_SINCE_MS;
  const usage = forceOrdersUsage({ maxLimit: MAX_LIMIT, maxSinceMs });
  const fail = (error: string): ParsedForceOrdersArgs => ({ ok: false, error, usage });

  if (text.length > MAX_INPUT_LENGTH) return fail(`Too long: ${text.length} characters, at most ${MAX_INPUT_LENGTH}.`);
  for (const c of text) {
    if (FORBIDDEN.test(c) && !SEPARATORS.test(c)) return fail('Control or invisible characters are not allowed.');
  }

  const query: ForceOrdersQuery = { sinceMs: DEFAULT_SINCE_MS, limit: DEFAULT_LIMIT, public: false };
  const seen = new Map<Slot, string>();
  // Commas separate too: people type `BTCUSD, adl, 7d`.
  for (const word of text.split(/[\s,]+/).filter((w) => w !== '')) {
    const token = classify(word, maxSinceMs);
    if (token.slot === 'error') return fail(token.error);
    const earlier = seen.get(token.slot);
    if (earlier !== undefined) return fail(TWICE[token.slot].replace('%1', safeEcho(earlier)).replace('%2', safeEcho(word)));
    seen.set(token.slot, word);
    if (token.slot === 'target') query.target = token.value;
    else if (token.slot === 'kind') query.kind = token.value;
    else if (token.slot === 'window') query.sinceMs = token.value;
    else if (token.slot === 'limit') query.limit = token.value;
    else query.public = true;
  }
  return { ok: true, query };
}

function classify(word: string, maxSinceMs: number): Token {
  // Only printable ASCII is ever interpreted: case-folding non-ASCII look-alikes ('ſ' -> 'S',
  // fullwidth letters) must not turn into a symbol the user did not type.
  if (!/^[\x21-\x7e]+$/.test(word)) return unknown(word);
  const lower = word.toLowerCase();
  if (lower === 'public') return { slot: 'public', value: true };
  const kind = KINDS[lower];
  if (kind !== undefined) return { slot: 'kind', value: kind };
  if (/^\d+$/.test(word)) {
    const limit = word.length > 6 ? Infinity : Number(word);
    if (limit < 1 || limit > MAX_LIMIT)
      return { slot: 'error', error: `Row count ${safeEcho(word)} is out of range: use 1 to ${MAX_LIMIT}.` };
    return { slot: 'limit', value: limit };
  }
  const window = parseDuration(lower, WINDOW_UNITS);
  if (window !== undefined) return windowToken(word, window, maxSinceMs);
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
  return unknown(word);
}

function windowToken(word: string, ms: number, maxSinceMs: number): Token {
  if (ms < MIN_SINCE_MS) return { slot: 'error', error: `Window ${safeEcho(word)} is empty: use at least 1m.` };
  if (ms > maxSinceMs)
    return {
      slot: 'error',
      error: `Window ${safeEcho(word)} reaches further back than the archive: at most ${formatDuration(maxSinceMs)}.`,
    };
  return { slot: 'window', value: ms };
}

function isDate(month: string | undefined, day: string | undefined): boolean {
  const m = Number(month);
  const d = Number(day);
  return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

function unknown(word: string): Token {
  return {
    slot: 'error',
    error:
      `Unknown word ${safeEcho(word)}: expected a symbol or pair (BTCUSD_PERP, BTCUSD), liq or adl, ` +
      `a window (30m, 24h, 7d), a row count (1-${MAX_LIMIT}) or public.`,
  };
}

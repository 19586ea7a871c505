import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ForceOrdersArgs,
  type ParsedForceOrdersArgs,
  parseForceOrdersArgs,
  parseForceOrdersInput,
  safeEcho,
} from '../../commands/parseForceOrdersArgs.js';
import type { ForceOrdersQuery } from '../../src/queries.js';
import { hostileText } from '../hardening/hostileArbitraries.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const DEFAULTS: ForceOrdersQuery = { sinceMs: DAY, limit: 20, public: false };

/** Text goes through `parseForceOrdersArgs` (see the dispatch test), typed options through their slot readers. */
function query(input: string | ForceOrdersArgs, options?: { maxSinceMs: number }): ForceOrdersQuery {
  const parsed = parseForceOrdersInput(input, options);
  if (!parsed.ok) throw new Error(`expected a query for ${JSON.stringify(input)}, got: ${parsed.error}`);
  return parsed.query;
}

function error(input: string | ForceOrdersArgs, options?: { maxSinceMs: number }): string {
  const parsed = parseForceOrdersInput(input, options);
  if (parsed.ok) throw new Error(`expected an error for ${JSON.stringify(input)}`);
  expect(parsed.usage).toMatch(/^Usage: \/forceorders /);
  return parsed.error;
}

describe('parseForceOrdersArgs: accepted forms', () => {
  it('gives the defaults (24 hours, 20 rows, private, every symbol, every kind) for empty input', () => {
    expect(query('')).toEqual(DEFAULTS);
    expect(query('   \t ')).toEqual(DEFAULTS);
  });

  it('reads a pair, a perpetual and a delivery symbol, in any case', () => {
    expect(query('BTCUSD').target).toEqual({ type: 'pair', value: 'BTCUSD' });
    expect(query('btcusd_perp').target).toEqual({ type: 'symbol', value: 'BTCUSD_PERP' });
    expect(query('BtcUsd_261225').target).toEqual({ type: 'symbol', value: 'BTCUSD_261225' });
    expect(query('1000shibusd_perp').target).toEqual({ type: 'symbol', value: '1000SHIBUSD_PERP' });
  });

  it('reads every kind and its spellings, settlement closes included', () => {
    expect(query('settlement').kind).toBe('SETTLEMENT');
    expect(query('Settlements').kind).toBe('SETTLEMENT');
    expect(query('adl').kind).toBe('ADL');
    expect(query('ADL').kind).toBe('ADL');
    expect(query('liq').kind).toBe('LIQUIDATION');
    expect(query('Liquidation').kind).toBe('LIQUIDATION');
    expect(query('liquidations').kind).toBe('LIQUIDATION');
  });

  it.each([
    ['30m', 30 * MINUTE],
    ['24h', DAY],
    ['24H', DAY],
    ['7d', 7 * DAY],
    ['90d', 90 * DAY],
    ['2w', 14 * DAY],
    ['1m', MINUTE],
  ])('reads the window %s', (text, ms) => {
    expect(query(text).sinceMs).toBe(ms);
  });

  it('reads a row count from 1 to 100', () => {
    expect(query('1').limit).toBe(1);
    expect(query('100').limit).toBe(100);
    expect(query('020').limit).toBe(20);
  });

  it('reads every part in any order', () => {
    const expected: ForceOrdersQuery = {
      target: { type: 'pair', value: 'ETHUSD' },
      kind: 'ADL',
      sinceMs: 7 * DAY,
      limit: 5,
      public: true,
    };
    expect(query('ETHUSD adl 7d 5 public')).toEqual(expected);
    expect(query('public 5 7d adl ETHUSD')).toEqual(expected);
    expect(query('  7D\tPUBLIC\nethusd  ADL 5 ')).toEqual(expected);
    expect(query('ETHUSD, adl,7d , 5 public')).toEqual(expected);
  });

  it('accepts a longer window when the archive reaches further', () => {
    expect(parseForceOrdersArgs('180d', { maxSinceMs: 180 * DAY })).toMatchObject({ ok: true, query: { sinceMs: 180 * DAY } });
  });
});

describe('parseForceOrdersArgs: refusals', () => {
  it('refuses two symbols, naming both', () => {
    expect(error('BTCUSD ETHUSD_PERP')).toBe('Two symbols, "BTCUSD" and "ETHUSD_PERP": ask for one symbol or pair at a time.');
  });

  it('refuses two windows, two kinds, two counts and public twice', () => {
    expect(error('24h 7d')).toBe('Two windows, "24h" and "7d": give one.');
    expect(error('liq adl')).toMatch(/^Two kinds, "liq" and "adl"/);
    expect(error('settlement liq')).toBe('Two kinds, "settlement" and "liq": give one of liq, adl or settlement, or none for every kind.');
    expect(error('5 10')).toMatch(/^Two row counts, "5" and "10"/);
    expect(error('public PUBLIC')).toBe('"public" given twice.');
  });

  it('refuses a row count outside 1..100 and says the range', () => {
    expect(error('0')).toBe('Row count "0" is out of range: use 1 to 100.');
    expect(error('101')).toBe('Row count "101" is out of range: use 1 to 100.');
    expect(error('99999999999999999999999')).toBe('Row count "99999999999999999999999" is out of range: use 1 to 100.');
  });

  it('refuses an empty window and one beyond the archive, saying the maximum', () => {
    expect(error('0h')).toBe('Window "0h" is empty: use at least 1m.');
    expect(error('91d')).toBe('Window "91d" reaches further back than the archive: at most 90d.');
    expect(error('13w')).toMatch(/at most 90d\.$/);
    expect(error('8d', { maxSinceMs: 7 * DAY })).toMatch(/at most 7d\.$/);
    expect(error('99999999999999999999d')).toMatch(/at most 90d\.$/);
  });

  it('refuses unknown words, saying what is allowed', () => {
    expect(error('BTCUSD please')).toBe(
      'Unknown word "please": expected a symbol or pair (BTCUSD_PERP, BTCUSD), liq, adl or settlement, a window (30m, 24h, 7d), a row count (1-100) or public.',
    );
    expect(error('1.5h')).toMatch(/^Unknown word "1\?5h"/);
    expect(error('BTC')).toMatch(/^Unknown word "BTC"/);
    expect(error('-5')).toMatch(/^Unknown word "-5"/);
  });

  it('refuses symbols that are not COIN-M shaped', () => {
    expect(error('BTCUSDT')).toBe('"BTCUSDT" is a USD-M symbol: /forceorders covers COIN-M (BTCUSD, BTCUSD_PERP).');
    expect(error('BTCUSD_261345')).toMatch(/no valid delivery date/);
    expect(error('BTCUSD_2612')).toMatch(/^Unknown word/);
    expect(error('BTC_USD')).toMatch(/^Unknown word/);
  });

  it('refuses control and invisible characters without echoing them', () => {
    expect(error('BTCUSD\u0000')).toBe('Control or invisible characters are not allowed.');
    expect(error('BTC\u200BUSD')).toBe('Control or invisible characters are not allowed.');
    expect(error('\u202Eadl')).toBe('Control or invisible characters are not allowed.');
    expect(error('\u001b[31madl')).toBe('Control or invisible characters are not allowed.');
  });

  it('refuses absurdly long input without looking at it', () => {
    expect(error('a'.repeat(201))).toBe('Too long: 201 characters, at most 200.');
    expect(error(`BTCUSD ${' '.repeat(300)}`)).toMatch(/^Too long/);
  });

  it('never reads a non-ASCII look-alike as a symbol or keyword', () => {
    // 'ſ'.toUpperCase() is 'S' and fullwidth letters fold too: neither must become BTCUSD.
    expect(error('btcuſd')).toMatch(/^Unknown word "btcu\?d"/);
    expect(error('ＢＴＣＵＳＤ')).toMatch(/^Unknown word "\?\?\?\?\?\?"/);
    expect(error('ａｄｌ')).toMatch(/^Unknown word/);
  });

  it('quotes hostile tokens without mentions, markup or more than 24 characters', () => {
    expect(error('<!channel>')).toMatch(/^Unknown word "\?\?channel\?"/);
    expect(error('@everyone')).toMatch(/^Unknown word "\?everyone"/);
    expect(error('＠everyone')).toMatch(/^Unknown word "\?everyone"/);
    expect(error('*bold*')).toMatch(/^Unknown word "\?bold\?"/);
    expect(error('[x](https://evil.example)')).not.toMatch(/:\/\/|evil\.example|\]\(/);
    expect(error(`x${'y'.repeat(60)}`)).toMatch(/^Unknown word "xyyyyyyyyyyyyyyyyyyyyyyy\.\.\."/);
  });
});

describe('parseForceOrdersArgs: properties', () => {
  const WORDS = ['BTCUSD', 'btcusd_perp', 'ETHUSD_261225', 'adl', 'liq', '24h', '7d', '30m', '90d', '2w', '20', '100', 'public'];
  const HOSTILE = [
    '<!channel>',
    '<!here>',
    '@everyone',
    '@here',
    '<@U123>',
    '*x*',
    '_x_',
    '`x`',
    '~x~',
    '||x||',
    '＠everyone',
    'ｐｕｂｌｉｃ',
    '\u202E',
    '\u200B',
    '\u0000',
    '\n',
    '🚀',
    'é',
    '>',
    '&amp;',
  ];
  const anyText = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'grapheme', maxLength: 80 }),
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.array(fc.constantFrom(...WORDS, ...HOSTILE), { maxLength: 8 }).map((w) => w.join(' ')),
    fc.array(fc.oneof(fc.constantFrom(...WORDS, ...HOSTILE), fc.string({ maxLength: 12 })), { maxLength: 6 }).map((w) => w.join(' ')),
  );

  function checkResult(text: string, parsed: ParsedForceOrdersArgs): void {
    if (parsed.ok) {
      const q = parsed.query;
      expect(q.limit).toBeGreaterThanOrEqual(1);
      expect(q.limit).toBeLessThanOrEqual(100);
      expect(q.sinceMs).toBeGreaterThanOrEqual(MINUTE);
      expect(q.sinceMs).toBeLessThanOrEqual(90 * DAY);
      if (q.target) expect(q.target.value).toMatch(/^[A-Z0-9]{2,20}USD(_PERP|_\d{6})?$/);
      return;
    }
    expect(parsed.usage).toMatch(/^Usage: \/forceorders /);
    expect(parsed.error.length).toBeLessThanOrEqual(200);
    // Whatever is echoed sits in quotes and holds only safe characters, at most 24 of them.
    for (const [, quoted] of parsed.error.matchAll(/"([^"]*)"/g)) {
      expect(quoted).toMatch(/^[A-Za-z0-9_?-]{0,24}(\.\.\.)?$/);
    }
    // Printable ASCII only (no control, invisible or non-ASCII character), and no markup or mention sigil.
    expect(parsed.error).toMatch(/^[\x20-\x7e]*$/);
    expect(parsed.error).not.toMatch(/[<>@*`~|&]/);
    expect(text.length === 0 || parsed.error.length > 0).toBe(true);
  }

  it('never throws; always a bounded query or a safe error with the usage', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        checkResult(text, parseForceOrdersArgs(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on typed options either; always a bounded query or a safe error with the usage', () => {
    const anyField = fc.oneof(anyText, fc.constantFrom(...WORDS, ...HOSTILE));
    const args = fc.record(
      {
        target: anyField,
        kind: fc.constantFrom('liquidation', 'adl', 'all'),
        since: anyField,
        rows: fc.oneof(fc.integer(), fc.double()),
        public: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(args, (a: ForceOrdersArgs) => {
        checkResult(JSON.stringify(a), parseForceOrdersInput(a));
      }),
      { numRuns: 1000 },
    );
  });

  it('ignores order and case of valid parts', () => {
    const parts = fc.record({
      target: fc.constantFrom('btcusd', 'ETHUSD_PERP', 'BtcUsd_261225'),
      kind: fc.constantFrom('adl', 'LIQ'),
      since: fc.constantFrom('30m', '24H', '7d', '2w'),
      limit: fc.integer({ min: 1, max: 100 }).map(String),
      pub: fc.constantFrom('public', 'PUBLIC'),
    });
    fc.assert(
      fc.property(parts, fc.func(fc.integer()), (p, key) => {
        const words = [p.target, p.kind, p.since, p.limit, p.pub];
        const shuffled = [...words].sort((a, b) => key(a) - key(b));
        expect(parseForceOrdersArgs(shuffled.join(' '))).toEqual(parseForceOrdersArgs(words.join(' ')));
        expect(parseForceOrdersArgs(words.join(' ')).ok).toBe(true);
      }),
    );
  });
});

describe('parseForceOrdersInput: text and typed options', () => {
  it('sends text through the text parser', () => {
    expect(parseForceOrdersInput('ETHUSD adl 7d 5 public')).toEqual(parseForceOrdersArgs('ETHUSD adl 7d 5 public'));
    expect(parseForceOrdersInput('91d', { maxSinceMs: 7 * DAY })).toEqual(parseForceOrdersArgs('91d', { maxSinceMs: 7 * DAY }));
  });

  it('gives the defaults for no options, and for blank ones', () => {
    expect(query({})).toEqual(DEFAULTS);
    expect(query({ target: '', since: '  ', public: false })).toEqual(DEFAULTS);
  });

  it('reads every option into its own slot', () => {
    expect(query({ target: 'ethusd', kind: 'adl', since: '7d', rows: 5, public: true })).toEqual({
      target: { type: 'pair', value: 'ETHUSD' },
      kind: 'ADL',
      sinceMs: 7 * DAY,
      limit: 5,
      public: true,
    });
  });

  it('reads a target: a pair, a perpetual or a delivery symbol, in any case', () => {
    expect(query({ target: 'BTCUSD' }).target).toEqual({ type: 'pair', value: 'BTCUSD' });
    expect(query({ target: 'btcusd_perp' }).target).toEqual({ type: 'symbol', value: 'BTCUSD_PERP' });
    expect(query({ target: 'BtcUsd_261225' }).target).toEqual({ type: 'symbol', value: 'BTCUSD_261225' });
  });

  it("refuses a bad target with the text parser's words, or says what the field takes", () => {
    expect(error({ target: 'BTCUSDT' })).toBe(error('BTCUSDT'));
    expect(error({ target: 'BTCUSD_261345' })).toBe(error('BTCUSD_261345'));
    expect(error({ target: 'NOPE' })).toBe('Unknown word "NOPE": expected a symbol or pair (BTCUSD_PERP, BTCUSD).');
    // A word of another slot is not read as that slot: the field is the target.
    expect(error({ target: 'adl' })).toMatch(/^Unknown word "adl": expected a symbol or pair/);
    expect(error({ target: '7d' })).toMatch(/^Unknown word "7d": expected a symbol or pair/);
    expect(error({ target: 'ＢＴＣＵＳＤ' })).toMatch(/^Unknown word "\?\?\?\?\?\?"/);
  });

  it("reads a kind, settlement included; 'all' means every kind", () => {
    expect(query({ kind: 'settlement' }).kind).toBe('SETTLEMENT');
    expect(query({ kind: 'liquidation' }).kind).toBe('LIQUIDATION');
    expect(query({ kind: 'adl' }).kind).toBe('ADL');
    expect(query({ kind: 'all' })).toEqual(DEFAULTS);
    expect('kind' in query({ kind: 'all' })).toBe(false);
  });

  it('refuses a kind outside its choices (a caller that is not type-checked)', () => {
    expect(error({ kind: 'both' as ForceOrdersArgs['kind'] })).toBe('Unknown word "both": expected liquidation, adl, settlement or all.');
  });

  it("reads a window and refuses a bad one with the text parser's words", () => {
    expect(query({ since: '30m' }).sinceMs).toBe(30 * MINUTE);
    expect(query({ since: '2W' }).sinceMs).toBe(14 * DAY);
    expect(query({ since: '180d' }, { maxSinceMs: 180 * DAY }).sinceMs).toBe(180 * DAY);
    expect(error({ since: '0h' })).toBe(error('0h'));
    expect(error({ since: '91d' })).toBe(error('91d'));
    expect(error({ since: '8d' }, { maxSinceMs: 7 * DAY })).toBe(error('8d', { maxSinceMs: 7 * DAY }));
    expect(error({ since: 'soon' })).toBe('Unknown word "soon": expected a window (30m, 24h, 7d).');
    expect(error({ since: '20' })).toMatch(/^Unknown word "20": expected a window/);
  });

  it("reads a row count from 1 to 100 and refuses others with the text parser's words", () => {
    expect(query({ rows: 1 }).limit).toBe(1);
    expect(query({ rows: 100 }).limit).toBe(100);
    expect(error({ rows: 0 })).toBe(error('0'));
    expect(error({ rows: 101 })).toBe(error('101'));
    expect(error({ rows: 1.5 })).toBe('Row count "1?5" is out of range: use 1 to 100.');
    expect(error({ rows: -5 })).toBe('Row count "-5" is out of range: use 1 to 100.');
    expect(error({ rows: Number.NaN })).toMatch(/^Row count "NaN" is out of range/);
    expect(error({ rows: Number.POSITIVE_INFINITY })).toMatch(/^Row count "Infinity" is out of range/);
  });

  it('reads public only when true', () => {
    expect(query({ public: true }).public).toBe(true);
    expect(query({ public: false }).public).toBe(false);
  });

  it('never splits a value with whitespace or commas into two words', () => {
    // As text, "BTCUSD adl" would be a pair and a kind; as one field it is one (unknown) word.
    expect(error({ target: 'BTCUSD adl' })).toMatch(/^Unknown word "BTCUSDadl"/);
    expect(error({ target: 'BTCUSD,adl' })).toMatch(/^Unknown word "BTCUSD\?adl"/);
    expect(error({ target: 'BTCUSD\tpublic' })).toMatch(/^Unknown word "BTCUSDpublic"/);
    expect(error({ since: '7d 5' })).toMatch(/^Unknown word "7d5"/);
    // Whitespace is dropped, so a padded or spaced value still reads as typed.
    expect(query({ target: ' btcusd_perp\n', since: ' 24 h ' })).toMatchObject({ target: { value: 'BTCUSD_PERP' }, sinceMs: DAY });
  });

  it('refuses control and invisible characters and absurdly long values, as the text parser does', () => {
    expect(error({ target: 'BTC\u200BUSD' })).toBe(error('BTC\u200BUSD'));
    expect(error({ since: '\u202E7d' })).toBe(error('\u202E7d'));
    expect(error({ target: 'a'.repeat(201) })).toBe(error('a'.repeat(201)));
  });

  it('quotes hostile values without mentions or markup', () => {
    expect(error({ target: '@everyone' })).toMatch(/^Unknown word "\?everyone"/);
    expect(error({ since: '<@&123>' })).toMatch(/^Unknown word "\?\?\?123\?"/);
  });

  it('answers the first bad field in the order target, kind, since, rows', () => {
    expect(error({ target: 'NOPE', since: 'soon', rows: 0 })).toMatch(/^Unknown word "NOPE"/);
    expect(error({ since: 'soon', rows: 0 })).toMatch(/^Unknown word "soon"/);
  });
});

describe('safeEcho', () => {
  it('keeps symbol characters and quotes them', () => {
    expect(safeEcho('BTCUSD_PERP')).toBe('"BTCUSD_PERP"');
  });

  it('replaces mention, markup and non-ASCII characters with ?', () => {
    expect(safeEcho('<!channel>')).toBe('"??channel?"');
    expect(safeEcho('@everyone')).toBe('"?everyone"');
    expect(safeEcho('🚀x')).toBe('"?x"');
  });

  it('caps what it shows at 24 characters', () => {
    expect(safeEcho('a'.repeat(25))).toBe(`"${'a'.repeat(24)}..."`);
    expect(safeEcho('a'.repeat(24))).toBe(`"${'a'.repeat(24)}"`);
  });

  it('replaces NUL, bidi overrides, zero-width characters and backticks, one ? each', () => {
    expect(safeEcho('\u202eBTC\u0000\u200bUSD\u2060`')).toBe('"?BTC??USD??"');
  });

  it('always yields at most 24 safe characters between quotes: nothing invisible, nothing that closes a code span', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 100 }), hostileText), (s) => {
        expect(safeEcho(s)).toMatch(/^"[A-Za-z0-9_?-]{0,24}(\.\.\.)?"$/);
      }),
    );
  });
});

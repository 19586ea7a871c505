import fc from 'fast-check';
import { type ForceOrder, orderKey } from '../../src/binance/types.js';
import { summarizeAlerts } from '../../src/pipeline/groupAlerts.js';
import type { Alert, AlertNotification } from '../../src/sinks/Sink.js';

/**
 * Fragments people (or a compromised upstream) type to ping, link or restyle: Slack and Discord
 * mention syntax, markdown of both, links, entities, invisible and bidi characters, look-alike
 * letters, and numbers a parser could misread (huge, negative, exponent, reversed windows).
 */
const HOSTILE_FRAGMENTS = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!subteam^S123>',
  '<@U123>',
  '<@!123>',
  '<#C1>',
  '<#C1|general>',
  '@everyone',
  '@here',
  '@channel',
  '@EVERYONE',
  '<@&123>',
  '<@123456789012345678>',
  '<#123456789012345678>',
  '*bold*',
  '_it_',
  '~strike~',
  '~~strike~~',
  '`code`',
  '```block```',
  '> quote',
  '>>> quote',
  '# heading',
  '- item',
  '||spoiler||',
  '[x](http://evil.example)',
  '[x](<https://evil.example>)',
  '<http://evil.example|click>',
  '<https://evil.example>',
  'http://evil.example',
  '&lt;',
  '&amp;',
  '&',
  '<',
  '>',
  '\\',
  '\u200b',
  '\u2060',
  '\u202e',
  'ＢＴＣＵＳＤ',
  'ΒΤCUSD',
  'ſ',
  '-7d',
  '7d-1d',
  '1d..7d',
  '99999999999999999999d',
  '1e3',
  '1e999',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1000000',
  '0d',
  '0m',
  '9007199254740993',
  '0x10',
  'BTCUSD',
  'btcusd_perp',
  'adl',
  'liq',
  '24h',
  'public',
  ',',
  '\n',
  '\t',
] as const;

/** Any string at all, or hostile fragments glued together with spaces, commas or nothing. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc
    .array(fc.constantFrom(...HOSTILE_FRAGMENTS), { minLength: 1, maxLength: 8 })
    .chain((parts) => fc.constantFrom(' ', ',', '', ' , ').map((sep) => parts.join(sep))),
  fc.array(fc.oneof(fc.constantFrom(...HOSTILE_FRAGMENTS), fc.string({ maxLength: 10 })), { maxLength: 6 }).map((w) => w.join(' ')),
);

/** A non-empty hostile string: the exchange boundary refuses empty strings, nothing else. */
const hostileField = hostileText.filter((s) => s.length > 0);

/** Any decimal the boundary accepts (`isDecimal`): negative, zero, huge, many fraction digits. */
const decimalText: fc.Arbitrary<string> = fc
  .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 18 }))
  .map(([units, scale]) => {
    const negative = units < 0n;
    const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
    const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
    return negative ? `-${body}` : body;
  });

/** A force order whose every free-text field is hostile and whose numbers are extreme but valid. */
const hostileOrder: fc.Arbitrary<ForceOrder> = fc
  .record({
    orderId: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    symbol: hostileField,
    pair: hostileField,
    status: hostileField,
    clientOrderId: hostileField,
    price: decimalText,
    avgPrice: decimalText,
    origQty: decimalText,
    executedQty: decimalText,
    cumBase: decimalText,
    timeInForce: hostileField,
    type: hostileField,
    reduceOnly: fc.boolean(),
    side: fc.constantFrom('BUY' as const, 'SELL' as const),
    positionSide: hostileField,
    origType: hostileField,
    // Every time a JavaScript Date can hold (0 .. 8.64e15); later safe integers are a separate finding.
    time: fc.integer({ min: 0, max: 8_640_000_000_000_000 }),
    updateTime: fc.integer({ min: 0, max: 8_640_000_000_000_000 }),
    market: fc.constantFrom('cm' as const, 'um' as const),
    kind: fc.constantFrom('LIQUIDATION' as const, 'ADL' as const, 'SETTLEMENT' as const),
    notionalUsd: decimalText,
  })
  .map((o) => o as ForceOrder);

/** Orders with distinct keys, as the pipeline guarantees. */
export const hostileOrders = (maxLength: number): fc.Arbitrary<ForceOrder[]> =>
  fc.uniqueArray(hostileOrder, { minLength: 1, maxLength, selector: (o) => orderKey(o) });

/** A single alert or a group, exactly as the pipeline builds them. */
export const hostileNotification: fc.Arbitrary<AlertNotification> = hostileOrders(60).map((orders) => {
  const alerts: Alert[] = orders.map((order) => ({ id: orderKey(order), order }));
  const first = alerts[0] as Alert;
  if (alerts.length === 1) return { type: 'single', key: first.id, alert: first };
  return { type: 'group', key: `group:${first.id}`, alerts, summary: summarizeAlerts(alerts) };
});

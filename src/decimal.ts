/**
 * Exact arithmetic on Binance's decimal strings ("0.00882854", "11326.9"), with BigInt underneath.
 * Floats would print 0.1 + 0.2 as 0.30000000000000004 in an alert people act on.
 */

const DECIMAL = /^-?\d+(\.\d+)?$/;

interface Scaled {
  units: bigint;
  scale: number;
}

/** True when `text` is a plain decimal number as Binance writes them (no exponent, no sign `+`). */
export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

function parse(text: string): Scaled {
  if (!DECIMAL.test(text)) throw new TypeError(`not a decimal number: ${JSON.stringify(text)}`);
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const units = BigInt(whole + fraction) * (negative ? -1n : 1n);
  return { units, scale: fraction.length };
}

function rescale(value: Scaled, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? digits.slice(digits.length - scale).replace(/0+$/, '') : '';
  const body = fraction ? `${whole}.${fraction}` : whole;
  return negative && body !== '0' ? `-${body}` : body;
}

/** a + b, exactly. */
export function addDecimal(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  return format(rescale(x, scale) + rescale(y, scale), scale);
}

/** a x b, exactly. */
export function mulDecimal(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  return format(x.units * y.units, x.scale + y.scale);
}

/** Sum of many decimals ("0" for none). */
export function sumDecimals(values: Iterable<string>): string {
  let total = '0';
  for (const v of values) total = addDecimal(total, v);
  return total;
}

/** -1, 0 or 1 as a is less than, equal to or greater than b. */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  const d = rescale(x, scale) - rescale(y, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** Canonical form: no trailing fractional zeros ("1.500" -> "1.5", "0.000" -> "0"). */
export function normaliseDecimal(text: string): string {
  const x = parse(text);
  return format(x.units, x.scale);
}

/**
 * Rounds half away from zero to at most `digits` fractional digits and groups thousands with commas:
 * for display only ("1234567.891" -> "1,234,567.89").
 */
export function displayDecimal(text: string, digits = 2): string {
  const x = parse(text);
  let units = x.units;
  let scale = x.scale;
  if (scale > digits) {
    const divisor = 10n ** BigInt(scale - digits);
    const half = divisor / 2n;
    const sign = units < 0n ? -1n : 1n;
    units = ((units * sign + half) / divisor) * sign;
    scale = digits;
  }
  const plain = format(units, scale);
  const [whole = '0', fraction] = plain.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction ? `${grouped}.${fraction}` : grouped;
}

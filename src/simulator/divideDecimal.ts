import { isDecimal } from '../decimal.js';

/**
 * a ÷ b truncated to exactly `digits` fractional digits (trailing zeros kept), with BigInt: how
 * COIN-M's `cumBase` (8 decimals) is derived from contracts and price without float error.
 * src/decimal.ts has no division, and a foundation change is not needed for one caller.
 */
export function divideDecimal(a: string, b: string, digits: number): string {
  if (!isDecimal(a) || !isDecimal(b) || a.startsWith('-') || b.startsWith('-')) {
    throw new TypeError(`divideDecimal takes non-negative decimals: ${a} / ${b}`);
  }
  const [aUnits, aScale] = scaled(a);
  const [bUnits, bScale] = scaled(b);
  if (bUnits === 0n) throw new RangeError('division by zero');
  // a/b = (aUnits / 10^aScale) / (bUnits / 10^bScale); scale the quotient by 10^digits.
  const quotient = (aUnits * 10n ** BigInt(digits + bScale)) / (bUnits * 10n ** BigInt(aScale));
  const text = quotient.toString().padStart(digits + 1, '0');
  return digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

function scaled(text: string): [bigint, number] {
  const [whole = '0', fraction = ''] = text.split('.');
  return [BigInt(whole + fraction), fraction.length];
}

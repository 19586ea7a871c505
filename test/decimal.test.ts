import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDecimal, compareDecimal, displayDecimal, mulDecimal, normaliseDecimal, sumDecimals } from '../src/decimal.js';

describe('decimal', () => {
  it('adds and multiplies exactly where floats would not', () => {
    expect(addDecimal('0.1', '0.2')).toBe('0.3');
    expect(mulDecimal('3', '100')).toBe('300');
    expect(mulDecimal('0.00882854', '11326.9')).toBe('99.999989726');
    expect(sumDecimals(['1.5', '2.25', '-0.75'])).toBe('3');
    expect(sumDecimals([])).toBe('0');
  });

  it('compares and normalises', () => {
    expect(compareDecimal('100000', '99999.99')).toBe(1);
    expect(compareDecimal('1.50', '1.5')).toBe(0);
    expect(compareDecimal('-2', '1')).toBe(-1);
    expect(normaliseDecimal('0.000')).toBe('0');
    expect(normaliseDecimal('12.3400')).toBe('12.34');
  });

  it('displays with grouping and half-away-from-zero rounding', () => {
    expect(displayDecimal('1234567.891')).toBe('1,234,567.89');
    expect(displayDecimal('0.005')).toBe('0.01');
    expect(displayDecimal('-0.005')).toBe('-0.01');
    expect(displayDecimal('0.00882854', 8)).toBe('0.00882854');
    expect(displayDecimal('100')).toBe('100');
  });

  it('rejects what is not a plain decimal', () => {
    for (const bad of ['1e6', '', '.5', 'NaN', '+1', '1.2.3']) expect(() => addDecimal(bad, '1')).toThrow(/not a decimal/);
  });

  it('agrees with BigInt arithmetic on scaled integers', () => {
    const text = (units: bigint, scale: number): string => {
      const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, '0');
      return `${units < 0n ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
    };
    const big = fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n });
    fc.assert(
      fc.property(big, big, (a, b) => {
        expect(compareDecimal(addDecimal(text(a, 4), text(b, 2)), text(a + b * 100n, 4))).toBe(0);
        expect(compareDecimal(mulDecimal(text(a, 4), text(b, 2)), text(a * b, 6))).toBe(0);
      }),
    );
  });
});

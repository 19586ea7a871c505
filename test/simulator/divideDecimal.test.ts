import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divideDecimal } from '../../src/simulator/index.js';

describe('divideDecimal', () => {
  it('truncates to the requested digits and keeps trailing zeros', () => {
    expect(divideDecimal('100', '11326.9', 8)).toBe('0.00882854');
    expect(divideDecimal('1', '4', 8)).toBe('0.25000000');
    expect(divideDecimal('2', '3', 0)).toBe('0');
    expect(divideDecimal('10', '0.5', 2)).toBe('20.00');
  });

  it('rejects division by zero and negative or malformed input', () => {
    expect(() => divideDecimal('1', '0.000', 8)).toThrow(RangeError);
    expect(() => divideDecimal('-1', '2', 8)).toThrow(TypeError);
    expect(() => divideDecimal('1e3', '2', 8)).toThrow(TypeError);
  });

  it('agrees with BigInt long division: q*b <= a < (q + ulp)*b', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.bigInt({ min: 1n, max: 10n ** 9n }), (a, b) => {
        const q = divideDecimal(a.toString(), `${b / 100n}.${String(b % 100n).padStart(2, '0')}`, 8);
        const qUnits = BigInt(q.replace('.', '')); // q × 1e8
        // a / (b / 100) = q  ⇔  qUnits × b ≤ a × 1e10 < (qUnits + 1) × b
        return qUnits * b <= a * 10n ** 10n && a * 10n ** 10n < (qUnits + 1n) * b;
      }),
    );
  });
});

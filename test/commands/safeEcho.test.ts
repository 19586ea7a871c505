import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeEcho } from '../../commands/safeEcho.js';

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

  it('always yields at most 24 safe characters between quotes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (s) => {
        expect(safeEcho(s)).toMatch(/^"[A-Za-z0-9_?-]{0,24}(\.\.\.)?"$/);
      }),
    );
  });
});

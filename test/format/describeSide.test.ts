import { describe, expect, it } from 'vitest';
import { describeSide } from '../../src/format/describeSide.js';

describe('describeSide', () => {
  it('infers the closed position in one-way mode (positionSide BOTH)', () => {
    expect(describeSide({ side: 'SELL', positionSide: 'BOTH' })).toBe('SELL closing a LONG');
    expect(describeSide({ side: 'BUY', positionSide: 'BOTH' })).toBe('BUY closing a SHORT');
  });

  it('uses positionSide in hedge mode', () => {
    expect(describeSide({ side: 'SELL', positionSide: 'LONG' })).toBe('SELL closing a LONG');
    expect(describeSide({ side: 'BUY', positionSide: 'SHORT' })).toBe('BUY closing a SHORT');
  });
});

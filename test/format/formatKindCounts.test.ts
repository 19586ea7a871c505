import { describe, expect, it } from 'vitest';
import { formatKindCounts } from '../../src/format/formatKindCounts.js';
import { kindLabel } from '../../src/format/kindLabel.js';

describe('formatKindCounts and kindLabel', () => {
  it('labels the two kinds and counts them', () => {
    expect(kindLabel('LIQUIDATION')).toBe('LIQUIDATION');
    expect(kindLabel('ADL')).toBe('ADL');
    expect(formatKindCounts({ LIQUIDATION: 3, ADL: 0 })).toBe('3 LIQUIDATION, 0 ADL');
  });
});

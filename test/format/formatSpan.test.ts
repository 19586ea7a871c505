import { describe, expect, it } from 'vitest';
import { formatSpan } from '../../src/format/formatSpan.js';

describe('formatSpan', () => {
  it('keeps milliseconds and seconds for short cascades, then the command units', () => {
    expect(formatSpan(0)).toBe('0 ms');
    expect(formatSpan(350)).toBe('350 ms');
    expect(formatSpan(1_400)).toBe('1s');
    expect(formatSpan(42_000)).toBe('42s');
    expect(formatSpan(4 * 60_000)).toBe('4m');
    expect(formatSpan(3 * 3_600_000)).toBe('3h');
  });
});

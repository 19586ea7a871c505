import { describe, expect, it } from 'vitest';
import { parseDuration } from '../src/time.js';

describe('parseDuration', () => {
  it('reads a whole number of one unit, any case and around spaces', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration(' 24H ')).toBe(86_400_000);
    expect(parseDuration('2w')).toBe(1_209_600_000);
  });

  it('refuses what is not a duration, and units the caller does not take', () => {
    for (const text of ['', '24', 'h', '1.5h', '-1d', '1e3m', '24hours', '7y']) expect(parseDuration(text)).toBeUndefined();
    expect(parseDuration('30s', ['m', 'h'])).toBeUndefined();
    expect(parseDuration('30m', ['m', 'h'])).toBe(1_800_000);
  });

  it('gives a huge count its huge value, for the range check to refuse as too long', () => {
    expect(parseDuration('99999999999d')).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
  });
});

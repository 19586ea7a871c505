import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay } from '../src/backoff.js';

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt up to the cap', () => {
    expect([1, 2, 3, 4, 10].map((a) => backoffCeiling(a, { baseMs: 100, capMs: 1000 }))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('draws uniformly below the ceiling (full jitter)', () => {
    expect(backoffDelay(3, { baseMs: 100, capMs: 1000, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { baseMs: 100, capMs: 1000, random: () => 0.5 })).toBe(200);
    expect(backoffDelay(30, { baseMs: 100, capMs: 1000, random: () => 0.999 })).toBeLessThan(1000);
  });

  it('keeps half the ceiling fixed with equal jitter, so a retry never comes at once', () => {
    expect(backoffDelay(3, { baseMs: 100, capMs: 1000, random: () => 0, jitter: 'equal' })).toBe(200);
    expect(backoffDelay(3, { baseMs: 100, capMs: 1000, random: () => 0.5, jitter: 'equal' })).toBe(300);
    expect(backoffDelay(3000, { baseMs: 100, capMs: 1000, random: () => 0.999, jitter: 'equal' })).toBeLessThanOrEqual(1000);
  });
});

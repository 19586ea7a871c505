import { describe, expect, it } from 'vitest';
import { formatDuration, formatSpan, formatTime, parseDuration } from '../src/time.js';

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

// Expected values spelled out here, not taken from the module under test.
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('formatDuration', () => {
  it.each([
    [30 * MINUTE, '30m'],
    [HOUR, '1h'],
    [DAY, '24h'],
    [36 * HOUR, '36h'],
    [2 * DAY, '2d'],
    [7 * DAY, '7d'],
    [14 * DAY, '14d'],
    [90 * DAY, '90d'],
    [90 * MINUTE, '90m'],
    [90_000, '2m'],
    [1, '1m'],
  ])('%i ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

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

describe('formatTime', () => {
  it('prints ISO 8601 UTC to the second', () => {
    expect(formatTime(1596542005050)).toBe('2020-08-04T11:53:25Z');
    expect(formatTime(Date.UTC(2026, 10, 25, 0, 0, 0))).toBe('2026-11-25T00:00:00Z');
  });
});

import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/format/formatDuration.js';

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

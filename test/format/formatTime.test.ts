import { describe, expect, it } from 'vitest';
import { formatTime } from '../../src/format/formatTime.js';

describe('formatTime', () => {
  it('prints ISO 8601 UTC to the second', () => {
    expect(formatTime(1596542005050)).toBe('2020-08-04T11:53:25Z');
    expect(formatTime(Date.UTC(2026, 10, 25, 0, 0, 0))).toBe('2026-11-25T00:00:00Z');
  });
});

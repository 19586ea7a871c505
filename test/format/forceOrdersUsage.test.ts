import { describe, expect, it } from 'vitest';
import { forceOrdersUsage } from '../../src/format/forceOrdersUsage.js';

describe('forceOrdersUsage', () => {
  it('states the forms and the bounds it is given, without markup', () => {
    const usage = forceOrdersUsage({ maxLimit: 100, maxSinceMs: 90 * 86_400_000 });
    expect(usage).toBe(
      'Usage: /forceorders [BTCUSD | BTCUSD_PERP | BTCUSD_261225] [liq | adl] [30m | 24h | 7d, up to 90d] [rows 1-100, default 20] [public]',
    );
    expect(forceOrdersUsage({ maxLimit: 50, maxSinceMs: 7 * 86_400_000 })).toContain('up to 7d] [rows 1-50');
    expect(usage).not.toMatch(/[*`<>~]/);
  });
});

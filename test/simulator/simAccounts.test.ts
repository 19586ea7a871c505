import { describe, expect, it } from 'vitest';
import { SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { simAccounts } from '../../src/simulator/simAccounts.js';

/** Binance's keys and secrets are 64 alphanumerics (the simulator answers -2014 to any other key). */
const KEY_SHAPE = /^[A-Za-z0-9]{64}$/;

describe('simAccounts', () => {
  it('gives count HMAC accounts named desk-1…, with 64-alphanumeric keys and secrets all different', () => {
    const accounts = simAccounts(12);
    expect(accounts.map((a) => a.name)).toEqual(Array.from({ length: 12 }, (_, i) => `desk-${i + 1}`));
    const values = accounts.flatMap((a) => [a.apiKey, a.hmacSecret ?? '']);
    expect(values.every((value) => KEY_SHAPE.test(value))).toBe(true);
    expect(new Set([...values, SIM_API_KEY, SIM_API_SECRET]).size).toBe(values.length + 2);
    expect(accounts.every((a) => a.publicKeyPem === undefined)).toBe(true);
  });

  it('gives the same accounts every call, whatever the count: account n depends on n alone', () => {
    const few = simAccounts(3);
    const many = simAccounts(40);
    expect(many.slice(0, 3)).toEqual(few);
    expect(simAccounts(3)).toEqual(few);
  });

  it('takes another name prefix without changing the keys', () => {
    const named = simAccounts(2, { prefix: 'fund' });
    expect(named.map((a) => a.name)).toEqual(['fund-1', 'fund-2']);
    expect(named.map((a) => a.apiKey)).toEqual(simAccounts(2).map((a) => a.apiKey));
  });

  it('refuses a count that is not a whole number from 1 to 9999', () => {
    for (const count of [0, -1, 1.5, Number.NaN, 10_000]) {
      expect(() => simAccounts(count)).toThrow('from 1 to 9999');
    }
    expect(simAccounts(9999)).toHaveLength(9999);
  });
});

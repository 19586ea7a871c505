import { describe, expect, it } from 'vitest';
import { parseCoreConfig } from '../src/config.js';

const minimal = { BINANCE_API_KEY: 'k'.repeat(64), BINANCE_API_SECRET: 's'.repeat(64) };

describe('parseCoreConfig', () => {
  it('fills every default from a minimal environment', () => {
    const result = parseCoreConfig(minimal);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.binance).toMatchObject({
      papiUrl: 'https://papi.binance.com',
      fapiUrl: 'https://fapi.binance.com',
      dapiUrl: 'https://dapi.binance.com',
      recvWindow: 5000,
      weightLimitPerMinute: 6000,
      markets: ['cm'],
    });
    expect(result.config.store).toEqual({
      path: './data/forcewatch.json',
      archivePath: './data/forcewatch.archive.jsonl',
      archiveDays: 90,
    });
    expect(result.config.poll).toEqual({ intervalMs: 5000, overlapMs: 60000, backfillMs: 0 });
    expect(result.config.alerts).toEqual({ groupThreshold: 5, mentionNotionalUsd: undefined });
    expect(result.config.metrics.port).toBeUndefined();
  });

  it('reports every problem at once, one line naming each variable', () => {
    const result = parseCoreConfig({
      BINANCE_PAPI_URL: 'ftp://x',
      POLL_INTERVAL_MS: '10',
      BACKFILL: '30d',
      ALERT_MENTION_NOTIONAL_USD: '1e6',
      BINANCE_MARKETS: 'cm,spot',
      LOG_LEVEL: 'loud',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const names = result.errors.map((line) => line.split(/[ =]/)[0]);
    expect(names).toEqual([
      'BINANCE_API_KEY',
      'BINANCE_API_SECRET',
      'ALERT_MENTION_NOTIONAL_USD',
      'BINANCE_PAPI_URL',
      'BINANCE_MARKETS',
      'POLL_INTERVAL_MS',
      'BACKFILL',
      'LOG_LEVEL',
    ]);
    expect(result.errors.every((line) => !line.includes('\n'))).toBe(true);
  });

  it('refuses both an HMAC secret and a private key path', () => {
    const result = parseCoreConfig({ ...minimal, BINANCE_PRIVATE_KEY_PATH: '/keys/ed25519.pem' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatch(/both set/);
  });

  it('accepts a key file without a secret, both markets and a backfill', () => {
    const result = parseCoreConfig({
      BINANCE_API_KEY: 'key',
      BINANCE_PRIVATE_KEY_PATH: '/keys/ed25519.pem',
      BINANCE_MARKETS: 'UM, cm',
      BACKFILL: '24h',
      METRICS_PORT: '9464',
      FORCEWATCH_DB: '/var/lib/forcewatch/state.json',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.binance.markets).toEqual(['um', 'cm']);
    expect(result.config.poll.backfillMs).toBe(86_400_000);
    expect(result.config.metrics.port).toBe(9464);
    expect(result.config.store.archivePath).toBe('/var/lib/forcewatch/state.archive.jsonl');
  });

  it('never echoes the secret in an error', () => {
    const secret = 'S3cr3tValueThatMustNotLeak';
    const result = parseCoreConfig({ BINANCE_API_SECRET: secret, BINANCE_PRIVATE_KEY_PATH: '/k.pem' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).not.toContain(secret);
  });
});

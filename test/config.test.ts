import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCoreConfig } from '../src/config.js';
import { redact } from '../src/ops/redact.js';

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
      'ALERT_MENTION_NOTIONAL_USD',
      'BINANCE_MARKETS',
      'BINANCE_API_KEY',
      'BINANCE_API_SECRET',
      'BINANCE_PAPI_URL',
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

  it('takes margin in any combination of BINANCE_MARKETS, and names a market it does not know', () => {
    for (const [value, markets] of [
      ['cm,um,margin', ['cm', 'um', 'margin']],
      ['margin', ['margin']],
      ['Margin, um, margin', ['margin', 'um']],
    ] as const) {
      const result = parseCoreConfig({ ...minimal, BINANCE_MARKETS: value });
      expect(result.ok ? result.config.binance.markets : result.errors).toEqual(markets);
    }
    const refused = parseCoreConfig({ ...minimal, BINANCE_MARKETS: 'margin,bogus' });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.errors).toEqual([
      'BINANCE_MARKETS="margin,bogus" is not valid: "bogus" is not a market; expected any of cm, um, margin separated by commas (e.g. cm,um,margin)',
    ]);
  });

  it('never echoes the secret in an error', () => {
    const secret = 'S3cr3tValueThatMustNotLeak';
    const result = parseCoreConfig({ BINANCE_API_SECRET: secret, BINANCE_PRIVATE_KEY_PATH: '/k.pem' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).not.toContain(secret);
  });

  it('never echoes a Binance secret pasted into the wrong variable, whole or cut, in any error', () => {
    const secret = 'Zq7Xv2Lm9Pw4Rt6Yb8Nc1Kd3Hf5Gj0Sa2Qe4We6Ru8Ti0Yo1Up3As5Df7Gh9Jk2L';
    expect(secret).toMatch(/^[A-Za-z0-9]{64}$/);
    const result = parseCoreConfig({
      ...minimal,
      POLL_INTERVAL_MS: secret,
      BINANCE_PAPI_URL: secret,
      BINANCE_FAPI_URL: `https://fapi.binance.com/${secret}?x`,
      BINANCE_DAPI_URL: `http://203.0.113.9/${secret}`,
      LOG_LEVEL: secret,
      BACKFILL: secret.slice(0, 40),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.errors.join('\n');
    expect(result.errors.map((line) => line.split('=')[0]).sort()).toEqual([
      'BACKFILL',
      'BINANCE_DAPI_URL',
      'BINANCE_PAPI_URL',
      'LOG_LEVEL',
      'POLL_INTERVAL_MS',
    ]);
    for (let i = 0; i + 12 <= secret.length; i += 1) expect(text).not.toContain(secret.slice(i, i + 12));
    expect(text).toContain('POLL_INTERVAL_MS="[REDACTED]" is not valid');
  });

  it('refuses cleartext http:// off this machine and link-local hosts in every BINANCE_*_URL, accepts https and loopback http', () => {
    // Every Binance URL setting config.ts reads, so one added later is held to the same rule.
    const names = [...new Set(readFileSync('src/config.ts', 'utf8').match(/BINANCE_[A-Z]+_URL/g))];
    expect(names).toEqual(expect.arrayContaining(['BINANCE_PAPI_URL', 'BINANCE_FAPI_URL', 'BINANCE_DAPI_URL']));
    const refused = {
      'http://papi.binance.com': /cleartext http:\/\/ would send the API key .* to papi\.binance\.com; use https:\/\//,
      'http://203.0.113.7:8080': /cleartext http:\/\/ .* to 203\.0\.113\.7/,
      'http://[2001:db8::1]': /cleartext http:\/\//,
      'https://169.254.169.254': /169\.254\.169\.254 is a link-local address/,
      'http://169.254.0.1': /169\.254\.0\.1 is a link-local address/,
      'https://[fe80::1]': /\[fe80::1\] is a link-local address/,
    };
    for (const name of names) {
      for (const [url, message] of Object.entries(refused)) {
        const result = parseCoreConfig({ ...minimal, [name]: url });
        expect(result.ok, `${name}=${url}`).toBe(false);
        if (!result.ok)
          expect(result.errors).toEqual([
            expect.stringMatching(new RegExp(`^${name}="${url.replace(/[.[\]]/g, '\\$&')}" is not valid: ${message.source}`)),
          ]);
      }
      for (const url of [
        'https://papi.binance.com',
        'http://127.0.0.1:4100',
        'http://127.8.9.10',
        'http://localhost:4100',
        'http://[::1]:4100',
      ]) {
        expect(parseCoreConfig({ ...minimal, [name]: url }).ok, `${name}=${url}`).toBe(true);
      }
    }
  });

  it('accepts an IP address or localhost as METRICS_HOST, refuses anything else, and warns when it is not loopback', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost']) {
      const result = parseCoreConfig({ ...minimal, METRICS_PORT: '9464', METRICS_HOST: host });
      expect(result.ok && result.config.metrics.host).toBe(host);
      expect(result.ok && result.config.warnings).toEqual([]);
    }
    for (const host of ['127.0.0.1 junk', 'metrics.example.com', '[::1]', '127.0.0.1:9464', '999.1.1.1']) {
      const result = parseCoreConfig({ ...minimal, METRICS_PORT: '9464', METRICS_HOST: host });
      expect(result.ok, host).toBe(false);
      if (!result.ok)
        expect(result.errors).toEqual([
          `METRICS_HOST=${JSON.stringify(host)} is not valid: expected an IP address such as 127.0.0.1 or ::1, or localhost`,
        ]);
    }
    const warned = (host: string) => {
      const result = parseCoreConfig({ ...minimal, METRICS_PORT: '9464', METRICS_HOST: host });
      return result.ok ? result.config.warnings : result.errors;
    };
    for (const host of ['0.0.0.0', '::', '0:0::0']) {
      expect(warned(host)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^METRICS_HOST=${host}: /metrics and /healthz are served on every network interface, so anyone who can reach port 9464 can read them`,
          ),
        ),
      ]);
    }
    expect(warned('10.1.2.3')).toEqual([expect.stringMatching(/^METRICS_HOST=10\.1\.2\.3: .* served on 10\.1\.2\.3/)]);
    // No server, nothing exposed: no warning without METRICS_PORT.
    const quiet = parseCoreConfig({ ...minimal, METRICS_HOST: '0.0.0.0' });
    expect(quiet.ok && quiet.config.warnings).toEqual([]);
  });

  it('takes RISK_WARN_UNIMMR as a decimal above 1, unset by default, and refuses anything else naming the variable', () => {
    const unset = parseCoreConfig(minimal);
    expect(unset.ok && unset.config.risk).toEqual({ warnUniMmr: undefined });
    for (const value of ['1.5', '1.0001', '3']) {
      const accepted = parseCoreConfig({ ...minimal, RISK_WARN_UNIMMR: value });
      expect(accepted.ok && accepted.config.risk.warnUniMmr, value).toBe(value);
    }
    for (const value of ['1', '1.0', '0.9', '-2', '150%', '1,5', 'abc']) {
      const refused = parseCoreConfig({ ...minimal, RISK_WARN_UNIMMR: value });
      expect(refused.ok ? 'accepted' : refused.errors.join(' '), value).toBe(
        `RISK_WARN_UNIMMR=${JSON.stringify(value)} is not valid: expected a uniMMR above 1 such as 1.5 (warn when uniMMR falls below it), or unset for no early warning`,
      );
    }
  });

  it("reads WATCHDOG_AFTER in BACKFILL's duration format, default 2m, at least 30s", () => {
    const defaults = parseCoreConfig(minimal);
    expect(defaults.ok && defaults.config.health).toEqual({ watchdogAfterMs: 120_000, heartbeatUrl: undefined });
    const five = parseCoreConfig({ ...minimal, WATCHDOG_AFTER: '5m' });
    expect(five.ok && five.config.health.watchdogAfterMs).toBe(300_000);
    const refused = ['10s', '2 minutes', '0s', '2d'].map((WATCHDOG_AFTER) => parseCoreConfig({ ...minimal, WATCHDOG_AFTER }));
    expect(refused.map((r) => (r.ok ? 'accepted' : r.errors.join(' ')))).toEqual([
      'WATCHDOG_AFTER="10s" is too short: at least 30s (default 2m)',
      expect.stringMatching(/^WATCHDOG_AFTER="2 minutes" is not valid: expected a duration such as 2m/),
      'WATCHDOG_AFTER="0s" is too short: at least 30s (default 2m)',
      expect.stringMatching(/^WATCHDOG_AFTER="2d" is not valid: expected a duration such as 2m, at most 1d/),
    ]);
  });

  it('takes HEARTBEAT_URL without ever echoing it, registers it for redaction, and warns on cleartext off this machine', () => {
    const url = 'https://hc-ping.com/0b6e3b6c-2c4f-4a5e-9d8a-5f1e2d3c4b5a';
    const ok = parseCoreConfig({ ...minimal, HEARTBEAT_URL: url });
    expect(ok.ok && ok.config.health.heartbeatUrl).toBe(url);
    expect(ok.ok && ok.config.warnings).toEqual([]);
    expect(redact(`GET ${url} failed`)).toBe('GET [REDACTED] failed');
    expect(redact('ping /0b6e3b6c-2c4f-4a5e-9d8a-5f1e2d3c4b5a')).toBe('ping [REDACTED]');
    const bad = parseCoreConfig({ ...minimal, HEARTBEAT_URL: 'hc-ping.com/9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f' });
    expect(bad.ok ? [] : bad.errors).toEqual([
      'HEARTBEAT_URL is not valid (value not shown: it holds a secret): expected an http(s) URL such as https://hc-ping.com/<uuid>',
    ]);
    const cleartext = parseCoreConfig({ ...minimal, HEARTBEAT_URL: 'http://monitor.example/ping/9f8e7d6c5b4a' });
    expect(cleartext.ok && cleartext.config.warnings).toEqual([
      'HEARTBEAT_URL is cleartext http:// to monitor.example: its secret path travels unencrypted; use https://',
    ]);
    const loopback = parseCoreConfig({ ...minimal, HEARTBEAT_URL: 'http://127.0.0.1:8000/ping/9f8e7d6c5b4a' });
    expect(loopback.ok && loopback.config.warnings).toEqual([]);
  });
});

describe('the user data stream settings', () => {
  it('default to the stream on, at wss://fstream.binance.com/pm, REST reconciling every 60 s', () => {
    const result = parseCoreConfig(minimal);
    expect(result.ok && result.config.stream).toEqual({ enabled: true, url: 'wss://fstream.binance.com/pm', reconcileIntervalMs: 60_000 });
  });

  it('take BINANCE_STREAM=off (polling only) and RECONCILE_INTERVAL_MS from 5000 to 3600000', () => {
    const off = parseCoreConfig({ ...minimal, BINANCE_STREAM: 'OFF', RECONCILE_INTERVAL_MS: '5000' });
    expect(off.ok && off.config.stream).toMatchObject({ enabled: false, reconcileIntervalMs: 5_000 });
    expect(parseCoreConfig({ ...minimal, RECONCILE_INTERVAL_MS: '3600000' }).ok).toBe(true);
    const bad = parseCoreConfig({ ...minimal, BINANCE_STREAM: 'yes', RECONCILE_INTERVAL_MS: '4999' });
    expect(bad.ok || bad.errors).toEqual([
      'BINANCE_STREAM="yes" is not valid: expected one of on, off',
      'RECONCILE_INTERVAL_MS="4999" is not valid: expected a whole number from 5000 to 3600000',
    ]);
    const long = parseCoreConfig({ ...minimal, RECONCILE_INTERVAL_MS: '3600001' });
    expect(long.ok || long.errors).toEqual(['RECONCILE_INTERVAL_MS="3600001" is not valid: expected a whole number from 5000 to 3600000']);
  });

  it('hold BINANCE_PM_STREAM_URL to wss://, ws:// to loopback only, never a link-local host', () => {
    for (const url of ['wss://fstream.binance.com/pm-classic', 'ws://127.0.0.1:4100/pm', 'ws://localhost:9/pm', 'ws://[::1]:9/pm']) {
      const result = parseCoreConfig({ ...minimal, BINANCE_PM_STREAM_URL: `${url}/` });
      expect(result.ok && result.config.stream.url, url).toBe(url);
    }
    const refused = {
      'ws://fstream.binance.com/pm':
        "cleartext ws:// would send the listenKey and the account's orders unencrypted to fstream.binance.com; use wss:// (ws:// is accepted for localhost only)",
      'https://fstream.binance.com/pm': 'expected a wss:// URL such as wss://fstream.binance.com/pm',
      'wss://169.254.169.254/pm':
        '169.254.169.254 is a link-local address (a cloud metadata service, not an exchange); expected a URL such as wss://fstream.binance.com/pm',
      'wss://fstream.binance.com/pm?x=1': "expected no query or fragment: the stream's path is appended to it",
    };
    for (const [url, problem] of Object.entries(refused)) {
      const result = parseCoreConfig({ ...minimal, BINANCE_PM_STREAM_URL: url });
      expect(result.ok || result.errors, url).toEqual([`BINANCE_PM_STREAM_URL="${url}" is not valid: ${problem}`]);
    }
  });
});

describe('high availability settings', () => {
  it('is off without REDIS_URL, and says the HA_* settings are ignored then', () => {
    const result = parseCoreConfig({ ...minimal, HA_LEASE_MS: '5000' });
    expect(result.ok && result.config.ha).toBeUndefined();
    expect(result.ok && result.config.warnings).toEqual(['HA_LEASE_MS is ignored: it applies with REDIS_URL only (high availability)']);
  });

  it('reads REDIS_URL with its defaults: a 10 s lease, the forcewatch: prefix, one IP group', () => {
    const result = parseCoreConfig({ ...minimal, REDIS_URL: 'redis://127.0.0.1:6379/2' });
    expect(result.ok && result.config.ha).toEqual({
      redisUrl: 'redis://127.0.0.1:6379/2',
      leaseMs: 10_000,
      prefix: 'forcewatch:',
      ipGroup: 'default',
    });
  });

  it('refuses a bad URL, lease, prefix or group, and never shows the URL or its password', () => {
    const password = 'Pa55wordThatMustNotLeak';
    const result = parseCoreConfig({
      ...minimal,
      REDIS_URL: `http://user:${password}@redis.internal:6379`,
      HA_LEASE_MS: '500',
      FORCEWATCH_REDIS_PREFIX: 'has space',
      BINANCE_IP_GROUP: 'x'.repeat(65),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((line) => line.split(/[ =]/)[0])).toEqual([
      'REDIS_URL',
      'HA_LEASE_MS',
      'FORCEWATCH_REDIS_PREFIX',
      'BINANCE_IP_GROUP',
    ]);
    expect(result.errors.join('\n')).not.toContain(password);
    expect(result.errors.join('\n')).not.toContain('redis.internal');
    expect(redact(`connecting to redis://user:${password}@redis.internal:6379 failed`)).not.toContain(password);
  });

  it('refuses a badly percent-encoded password with a settings error, not a crash, and never shows it', () => {
    const result = parseCoreConfig({ ...minimal, REDIS_URL: 'redis://:broken%zzSecretPassword@127.0.0.1:6379' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(['REDIS_URL has a badly percent-encoded password: encode it with encodeURIComponent (e.g. %40 for @)']);
    expect(redact('AUTH broken%zzSecretPassword refused')).not.toContain('SecretPassword');
  });

  it('warns when a password would travel in cleartext to another host', () => {
    const result = parseCoreConfig({ ...minimal, REDIS_URL: 'redis://:secretpassword@10.0.0.5:6379' });
    expect(result.ok && result.config.warnings).toEqual([
      'REDIS_URL sends its password unencrypted to 10.0.0.5: use rediss:// (TLS) unless the network is private',
    ]);
    const tls = parseCoreConfig({ ...minimal, REDIS_URL: 'rediss://:secretpassword@redis.example.com:6380' });
    expect(tls.ok && tls.config.warnings).toEqual([]);
  });
});

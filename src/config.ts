import { ACCOUNT_NAME, type AccountConfig, type AccountCredentials, DEFAULT_ACCOUNT_NAME } from './accounts/AccountConfig.js';
import type { Market } from './binance/types.js';
import { compareDecimal, isDecimal } from './decimal.js';
import { EnvReader, isLoopbackHost, parseHttpUrl } from './envReader.js';
import { readRedisUrl } from './ha/redisUrl.js';
import type { LogLevel } from './ops/logger.js';
import { registerSecret } from './ops/redact.js';
import { DEFAULT_RECONCILE_INTERVAL_MS } from './pipeline/StreamSource.js';
import { DEFAULT_WATCHDOG_AFTER_MS } from './pipeline/Watchdog.js';
import { DAY_MS } from './time.js';

/**
 * Core settings from the environment. Slack's and Discord's live with their adapters
 * (src/slack, src/discord); this file knows no chat platform.
 */
export interface CoreConfig {
  /**
   * The accounts watched: the FORCEWATCH_ACCOUNTS file (read and checked by `loadAccounts`), or, without
   * it, the one account BINANCE_API_KEY and its neighbours describe, named FORCEWATCH_ACCOUNT_NAME.
   */
  accounts: { kind: 'file'; path: string } | { kind: 'env'; account: AccountConfig };
  /**
   * FORCEWATCH_ACCOUNT_NAME (default `main`): the name of the BINANCE_* variables' account, and with a
   * FORCEWATCH_ACCOUNTS file the account that keeps the FORCEWATCH_DB store (the others get their own).
   */
  accountName: string;
  /** How every account's client reaches Binance; `markets` is the default of an account that names none. */
  binance: {
    papiUrl: string;
    fapiUrl: string;
    dapiUrl: string;
    recvWindow: number;
    weightLimitPerMinute: number;
    requestTimeoutMs: number;
    markets: Market[];
  };
  store: { path: string; archivePath: string; archiveDays: number };
  poll: { intervalMs: number; overlapMs: number; backfillMs: number };
  /**
   * The Portfolio Margin user data stream: force orders pushed as they happen (BINANCE_STREAM on), REST
   * reconciling every `reconcileIntervalMs` while it is open; off: polling alone, as before.
   */
  stream: { enabled: boolean; url: string; reconcileIntervalMs: number };
  alerts: { groupThreshold: number; mentionNotionalUsd?: string };
  /** Risk alerts: the optional early warning when uniMMR falls below `warnUniMmr` (RISK_WARN_UNIMMR). */
  risk: { warnUniMmr?: string };
  /**
   * High availability (REDIS_URL set): this process is one of several instances sharing state in Redis,
   * one leader per account by a lease; undefined: one process on lowdb files, as before.
   */
  ha?: { redisUrl: string; leaseMs: number; prefix: string; ipGroup: string };
  /** DIGEST_AT: the UTC minute of the day (0-1439) each account's daily digest is posted at; undefined: no digest. */
  digest: { atMinuteOfDay?: number };
  metrics: { port?: number; host: string };
  /** The bot's own health: when its notices speak (WATCHDOG_AFTER), and the dead man's switch (HEARTBEAT_URL). */
  health: { watchdogAfterMs: number; heartbeatUrl?: string };
  log: { level: LogLevel; format?: 'json' | 'pretty' };
  /** Settings that work but deserve a look, one line each naming the variable: log them at start. */
  warnings: readonly string[];
}

/** Either a valid config or every problem found, one line each naming the variable. */
export type ConfigResult<T> = { ok: true; config: T } | { ok: false; errors: string[] };

const SEVEN_DAYS_MS = 7 * 86_400_000;

/** The books `BINANCE_MARKETS` may name: COIN-M, USD-M and the cross margin account. */
const MARKETS: readonly Market[] = ['cm', 'um', 'margin'];

/** `BINANCE_MARKETS`: any of cm, um and margin, comma-separated (default cm); each named once however often given. */
function readMarkets(reader: EnvReader): Market[] {
  const value = reader.raw('BINANCE_MARKETS') ?? 'cm';
  const markets = [
    ...new Set(
      value
        .toLowerCase()
        .split(',')
        .map((m) => m.trim()),
    ),
  ];
  const unknown = markets.filter((m) => !(MARKETS as readonly string[]).includes(m));
  if (unknown.length > 0) {
    const named = unknown.map((m) => JSON.stringify(m)).join(', ');
    reader.errors.push(
      `BINANCE_MARKETS=${JSON.stringify(value)} is not valid: ${named} is not a market; expected any of cm, um, margin separated by commas (e.g. cm,um,margin)`,
    );
    return ['cm'];
  }
  return markets as Market[];
}

function readCredentials(reader: EnvReader): AccountCredentials {
  const apiKey = reader.required('BINANCE_API_KEY', 'the API key from Binance API Management (read-only permission is enough)');
  const apiSecret = reader.raw('BINANCE_API_SECRET');
  const privateKeyPath = reader.raw('BINANCE_PRIVATE_KEY_PATH');
  if (apiSecret && privateKeyPath) {
    reader.errors.push(
      'BINANCE_API_SECRET and BINANCE_PRIVATE_KEY_PATH are both set: set the secret for an HMAC key, or the PEM path for an Ed25519/RSA key, not both',
    );
  } else if (!apiSecret && !privateKeyPath) {
    reader.errors.push('BINANCE_API_SECRET is not set: set it for an HMAC key, or BINANCE_PRIVATE_KEY_PATH for an Ed25519/RSA key');
  }
  registerSecret(apiSecret);
  return { apiKey, apiSecret, privateKeyPath };
}

/**
 * `METRICS_HOST`: loopback by default. Any other address serves `/metrics` and `/healthz` to whoever
 * reaches it, which works (a container publishes its port this way) but is worth a warning.
 */
function readMetricsHost(reader: EnvReader, port: number | undefined): string {
  const host = reader.host('METRICS_HOST', '127.0.0.1');
  if (port !== undefined && !isLoopbackHost(host)) {
    // 0.0.0.0, or IPv6's unspecified address in any spelling (`::`, `0:0::0`): every interface.
    const everywhere = host === '0.0.0.0' || (host.includes(':') && host.replace(/[0:]/g, '') === '');
    const where = everywhere ? 'on every network interface' : `on ${host}`;
    reader.warnings.push(
      `METRICS_HOST=${host}: /metrics and /healthz are served ${where}, so anyone who can reach port ${port} can read them; ` +
        'set METRICS_HOST=127.0.0.1 unless a firewall or a private network keeps them in',
    );
  }
  return host;
}

/** WATCHDOG_AFTER's floor: shorter, and every blip a retry absorbs anyway would become a notice. */
const MIN_WATCHDOG_AFTER_MS = 30_000;

function readWatchdogAfter(reader: EnvReader): number {
  const ms = reader.duration('WATCHDOG_AFTER', DEFAULT_WATCHDOG_AFTER_MS, DAY_MS, '2m');
  if (ms >= MIN_WATCHDOG_AFTER_MS) return ms;
  reader.errors.push(`WATCHDOG_AFTER=${JSON.stringify(reader.raw('WATCHDOG_AFTER'))} is too short: at least 30s (default 2m)`);
  return DEFAULT_WATCHDOG_AFTER_MS;
}

/**
 * HEARTBEAT_URL, the dead man's switch (a healthchecks.io or Dead Man's Snitch check URL). Its path is
 * the check's secret (anyone holding it can ping or pause the check), so it is registered for
 * redaction and never echoed, not even in its own error.
 */
function readHeartbeatUrl(reader: EnvReader): string | undefined {
  const value = reader.raw('HEARTBEAT_URL');
  if (value === undefined) return undefined;
  const url = parseHttpUrl(value);
  if (!url) {
    reader.errors.push(
      'HEARTBEAT_URL is not valid (value not shown: it holds a secret): expected an http(s) URL such as https://hc-ping.com/<uuid>',
    );
    return undefined;
  }
  registerSecret(value);
  registerSecret(`${url.pathname}${url.search}`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    reader.warnings.push(`HEARTBEAT_URL is cleartext http:// to ${url.hostname}: its secret path travels unencrypted; use https://`);
  }
  return value;
}

/**
 * RISK_WARN_UNIMMR, the early-warning line: a decimal above 1, since uniMMR is equity over maintenance
 * margin and Binance liquidates before it reaches 1; unset, no early warning (and no account polling
 * unless a risk level is active).
 */
function readRiskWarn(reader: EnvReader): string | undefined {
  const value = reader.raw('RISK_WARN_UNIMMR');
  if (value === undefined || (isDecimal(value) && compareDecimal(value, '1') > 0)) return value;
  reader.errors.push(
    `RISK_WARN_UNIMMR=${JSON.stringify(value)} is not valid: expected a uniMMR above 1 such as 1.5 (warn when uniMMR falls below it), or unset for no early warning`,
  );
  return undefined;
}

/** DIGEST_AT: `HH:MM` in UTC (`00:00` to `23:59`), as minutes since midnight; undefined when unset. */
function readDigestAt(reader: EnvReader): number | undefined {
  const value = reader.raw('DIGEST_AT');
  if (value === undefined) return undefined;
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (match) return Number(match[1]) * 60 + Number(match[2]);
  reader.errors.push(
    `DIGEST_AT=${JSON.stringify(value)} is not valid: expected a UTC time HH:MM such as 00:00 or 07:30, or unset for no digest`,
  );
  return undefined;
}

/** FORCEWATCH_ACCOUNT_NAME: the BINANCE_* variables' account, and the one that keeps FORCEWATCH_DB with a FORCEWATCH_ACCOUNTS file. */
function readAccountName(reader: EnvReader): string {
  const name = reader.string('FORCEWATCH_ACCOUNT_NAME', DEFAULT_ACCOUNT_NAME);
  if (ACCOUNT_NAME.test(name)) return name;
  reader.errors.push(
    `FORCEWATCH_ACCOUNT_NAME=${JSON.stringify(name)} is not valid: expected lowercase letters, digits and -, starting with a letter, at most 32 characters (e.g. desk-a)`,
  );
  return DEFAULT_ACCOUNT_NAME;
}

/**
 * Without FORCEWATCH_ACCOUNTS, the single account of the BINANCE_* variables (required then), named
 * `name`; with it, the file's path, its accounts read by `loadAccounts`.
 */
function readAccounts(reader: EnvReader, name: string, markets: Market[], mentionNotionalUsd: string | undefined): CoreConfig['accounts'] {
  const path = reader.raw('FORCEWATCH_ACCOUNTS');
  if (path === undefined) {
    return { kind: 'env', account: { name, credentials: readCredentials(reader), markets, mentionNotionalUsd, access: {} } };
  }
  for (const ignored of ['BINANCE_API_KEY', 'BINANCE_API_SECRET', 'BINANCE_PRIVATE_KEY_PATH']) {
    if (reader.raw(ignored) !== undefined) {
      reader.warnings.push(`${ignored} is ignored: FORCEWATCH_ACCOUNTS is set, and each account's key comes from that file`);
    }
  }
  return { kind: 'file', path };
}

/** HA_LEASE_MS's default: a lost leader is replaced within about 10 s. */
const DEFAULT_HA_LEASE_MS = 10_000;
/** A key prefix or an IP group: a short word Redis keys and metrics can carry as they are. */
const REDIS_WORD = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * REDIS_URL and its neighbours: unset, no high availability (and the HA_* settings are ignored, with a
 * warning). The URL may carry a password: it is registered for redaction at once and never echoed.
 */
function readHa(reader: EnvReader): CoreConfig['ha'] {
  const redisUrl = reader.raw('REDIS_URL');
  if (redisUrl === undefined) {
    for (const name of ['HA_LEASE_MS', 'FORCEWATCH_REDIS_PREFIX', 'BINANCE_IP_GROUP']) {
      if (reader.raw(name) !== undefined) reader.warnings.push(`${name} is ignored: it applies with REDIS_URL only (high availability)`);
    }
    return undefined;
  }
  const reading = readRedisUrl(redisUrl);
  if (!reading.ok) reader.errors.push(reading.error);
  else if (reading.url.protocol === 'redis:' && reading.url.password && !isLoopbackHost(reading.url.hostname)) {
    reader.warnings.push(
      `REDIS_URL sends its password unencrypted to ${reading.url.hostname}: use rediss:// (TLS) unless the network is private`,
    );
  }
  const word = (name: string, fallback: string, what: string): string => {
    const value = reader.string(name, fallback);
    if (REDIS_WORD.test(value)) return value;
    reader.errors.push(
      `${name}=${JSON.stringify(value.slice(0, 80))} is not valid: expected ${what} (letters, digits, _ . : -, at most 64)`,
    );
    return fallback;
  };
  return {
    redisUrl,
    leaseMs: reader.integer('HA_LEASE_MS', DEFAULT_HA_LEASE_MS, 1_000, 60_000),
    prefix: word('FORCEWATCH_REDIS_PREFIX', 'forcewatch:', 'a key prefix such as forcewatch: or desk-bot:'),
    ipGroup: word('BINANCE_IP_GROUP', 'default', 'a name for the instances that share one egress IP, such as eu-nat-1'),
  };
}

/** Parses and validates the core settings; reports every problem at once and never throws. */
export function parseCoreConfig(env: NodeJS.ProcessEnv): ConfigResult<CoreConfig> {
  const r = new EnvReader(env);
  const storePath = r.string('FORCEWATCH_DB', './data/forcewatch.json');
  const mention = r.raw('ALERT_MENTION_NOTIONAL_USD');
  if (mention !== undefined && (!isDecimal(mention) || mention.startsWith('-'))) {
    r.errors.push(`ALERT_MENTION_NOTIONAL_USD=${JSON.stringify(mention)} is not valid: expected a USD amount such as 100000`);
  }
  const markets = readMarkets(r);
  const accountName = readAccountName(r);
  const accounts = readAccounts(r, accountName, markets, mention);
  const metricsPort = r.raw('METRICS_PORT') === undefined ? undefined : r.integer('METRICS_PORT', 0, 1, 65_535);
  const config: CoreConfig = {
    accounts,
    accountName,
    binance: {
      papiUrl: r.url('BINANCE_PAPI_URL', 'https://papi.binance.com'),
      fapiUrl: r.url('BINANCE_FAPI_URL', 'https://fapi.binance.com'),
      dapiUrl: r.url('BINANCE_DAPI_URL', 'https://dapi.binance.com'),
      recvWindow: r.integer('BINANCE_RECV_WINDOW', 5_000, 1, 60_000),
      weightLimitPerMinute: r.integer('BINANCE_WEIGHT_LIMIT', 6_000, 100, 6_000),
      requestTimeoutMs: r.integer('BINANCE_REQUEST_TIMEOUT_MS', 10_000, 1_000, 120_000),
      markets,
    },
    store: {
      path: storePath,
      archivePath: r.string('FORCEWATCH_ARCHIVE', storePath.replace(/(\.json)?$/, '.archive.jsonl')),
      archiveDays: r.integer('ARCHIVE_DAYS', 90, 8, 3_650),
    },
    poll: {
      intervalMs: r.integer('POLL_INTERVAL_MS', 5_000, 1_000, 3_600_000),
      overlapMs: r.integer('POLL_OVERLAP_MS', 60_000, 0, 3_600_000),
      backfillMs: r.duration('BACKFILL', 0, SEVEN_DAYS_MS, '24h'),
    },
    stream: {
      enabled: r.oneOf('BINANCE_STREAM', ['on', 'off'] as const, 'on') === 'on',
      url: r.wsUrl('BINANCE_PM_STREAM_URL', 'wss://fstream.binance.com/pm'),
      reconcileIntervalMs: r.integer('RECONCILE_INTERVAL_MS', DEFAULT_RECONCILE_INTERVAL_MS, 5_000, 3_600_000),
    },
    alerts: {
      groupThreshold: r.integer('ALERT_GROUP_THRESHOLD', 5, 1, 1_000),
      mentionNotionalUsd: mention,
    },
    risk: { warnUniMmr: readRiskWarn(r) },
    digest: { atMinuteOfDay: readDigestAt(r) },
    ha: readHa(r),
    metrics: { port: metricsPort, host: readMetricsHost(r, metricsPort) },
    health: { watchdogAfterMs: readWatchdogAfter(r), heartbeatUrl: readHeartbeatUrl(r) },
    log: {
      level: r.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
      format: r.oneOf('LOG_FORMAT', ['json', 'pretty'] as const, undefined),
    },
    warnings: r.warnings,
  };
  return r.errors.length > 0 ? { ok: false, errors: r.errors } : { ok: true, config };
}

import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { type AccountClients, createAccountClients } from './app/accountClients.js';
import type { HaProcess } from './app/highAvailability.js';
import { loadSettings } from './app/loadSettings.js';
import { type Forcewatch, startForcewatch } from './app/startForcewatch.js';
import { errorMessage } from './errorCode.js';
import { RedisWeightLedger } from './ha/RedisWeightLedger.js';
import { createRedisClient } from './ha/redisClient.js';
import { createLogger, type Logger } from './ops/logger.js';
import { Metrics } from './ops/Metrics.js';
import { redact } from './ops/redact.js';

/** How long a crash lets the bot stop (store flushed, lock released) before the process exits anyway. */
const CRASH_STOP_DEADLINE_MS = 5_000;

/** Aborted, with its reason, by SIGINT/SIGTERM or a crash: every step of start-up takes its signal. */
const stopping = new AbortController();
/** Settles with the reason once `stopping` aborts. */
const shutdown = new Promise<string>((resolve) => {
  stopping.signal.addEventListener('abort', () => resolve(String(stopping.signal.reason)), { once: true });
});
/** Set by a crash: the process exits 1 once the bot has stopped. */
let crashed = false;
/** The configured logger once the settings are read; JSON before. */
let logger: Logger = createLogger({ format: 'json' });

/**
 * The last line, should anything throw where nothing catches it (a platform's library included): the
 * error is logged once, redacted and with its stack; the bot then stops as for a SIGTERM, so the
 * store is flushed and the lock released; and the process exits 1, after CRASH_STOP_DEADLINE_MS at
 * the latest if that stop hangs (the next start then takes the stale lock over).
 * Docs: https://nodejs.org/api/process.html#warning-using-uncaughtexception-correctly
 */
function onCrash(origin: 'uncaughtException' | 'unhandledRejection'): (error: unknown) => void {
  return (error) => {
    if (crashed) {
      logger.error('another error while stopping after a crash', { origin, error });
      return;
    }
    crashed = true;
    logger.error('forcewatch crashed; stopping to release the store lock, then exiting 1', { origin, error });
    stopping.abort(origin);
    setTimeout(() => process.exit(1), CRASH_STOP_DEADLINE_MS).unref();
  };
}
process.on('uncaughtException', onCrash('uncaughtException'));
process.on('unhandledRejection', onCrash('unhandledRejection'));

/** `npm start`: environment (and `.env`) -> settings and accounts -> a Binance client per account -> pipelines and chat adapters. */
async function main(): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const loaded = loadSettings(process.env);
  if (!loaded.ok) {
    // One line per problem and no stack trace: this is the operator's to fix, not a crash.
    process.stderr.write(
      `forcewatch cannot start; fix these settings (see .env.example):\n${loaded.errors.map((e) => `  - ${redact(e)}`).join('\n')}\n`,
    );
    return 2;
  }
  // Listen from the start: a signal at any moment of start-up aborts what is under way (a time sync,
  // a chat platform's connection attempts) and ends in a clean stop. A second signal kills at once.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stopping.abort(signal));
  const { core } = loaded.settings;
  logger = createLogger({ level: core.log.level, format: core.log.format });
  // Settings that work but deserve a second look (metrics on every interface, a cleartext heartbeat URL).
  for (const warning of core.warnings) logger.warn(warning);
  // One registry for the process: the Binance clients report each API's used weight into it.
  const metrics = new Metrics();
  const onUsedWeight = (api: string, weight: number) => metrics.usedWeight.set({ api }, weight);
  // High availability: one Redis connection for the process, and a name among the instances.
  const ha: HaProcess | undefined = core.ha && {
    client: createRedisClient(core.ha.redisUrl, logger.child({ component: 'redis' })),
    instanceId: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
  };
  const { accounts } = loaded.settings;
  let binance: AccountClients;
  try {
    // With high availability the instances of one IP group share one weight ledger in Redis.
    const sharedLedger = ha && core.ha && new RedisWeightLedger({ client: ha.client, prefix: core.ha.prefix, group: core.ha.ipGroup });
    binance = createAccountClients(core, accounts, {
      logger: logger.child({ component: 'binance' }),
      onUsedWeight,
      ...(sharedLedger && { sharedLedger }),
    });
  } catch (error) {
    process.stderr.write(`forcewatch cannot start: ${redact(errorMessage(error))}\n`);
    return 2;
  }
  try {
    const offsets = await binance.sync(stopping.signal);
    logger.info('clock synchronised with Binance', { offsetMs: offsets[0] });
  } catch (error) {
    if (!stopping.signal.aborted) logger.warn('could not read Binance server time; using the local clock until the first -1021', { error });
  }
  if (stopping.signal.aborted) {
    logger.info('shutting down', { reason: await shutdown });
    await binance.close();
    return crashed ? 1 : 0;
  }

  const closeAll = async () => {
    await binance.close();
    if (ha?.client.isOpen) ha.client.destroy();
  };
  let app: Forcewatch;
  try {
    app = await startForcewatch({ settings: loaded.settings, exchanges: binance.exchanges, logger, metrics, signal: stopping.signal, ha });
  } catch (error) {
    logger.error('forcewatch could not start', { error });
    await closeAll();
    return 1;
  }
  // Polling ends only on a stop: a refused key keeps the bot up (retried once a minute, /healthz 503, a notice).
  const reason = await Promise.race([shutdown, app.done.then(() => 'poller ended')]);
  logger.info('shutting down', { reason });
  await app.stop();
  await closeAll();
  return crashed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    logger.error('forcewatch crashed', { origin: 'main', error });
    process.exit(1);
  },
);

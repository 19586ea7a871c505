import { existsSync } from 'node:fs';
import { type Forcewatch, loadSettings, startForcewatch } from './app/startForcewatch.js';
import { type BinanceClient, createBinanceClient } from './binance/createBinanceClient.js';
import { errorMessage } from './errorCode.js';
import { createLogger } from './ops/logger.js';
import { redact } from './ops/redact.js';
import { mergeForceOrderSources } from './pipeline/mergeForceOrderSources.js';

/** `npm start`: environment (and `.env`) -> settings -> Binance client -> pipeline and chat adapters. */
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
  // Listen from the start: a SIGTERM during start-up still ends in a clean stop (store flushed, lock freed).
  const shutdown = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const { core } = loaded.settings;
  const logger = createLogger({ level: core.log.level, format: core.log.format });
  let binance: BinanceClient;
  try {
    binance = createBinanceClient({ ...core.binance, logger: logger.child({ component: 'binance' }) });
  } catch (error) {
    process.stderr.write(`forcewatch cannot start: ${redact(errorMessage(error))}\n`);
    return 2;
  }
  try {
    const offset = await binance.sync();
    logger.info('clock synchronised with Binance', { offsetMs: offset });
  } catch (error) {
    logger.warn('could not read Binance server time; using the local clock until the first -1021', { error });
  }
  const sources = core.binance.markets.map((market) => binance.source(market));
  const source = mergeForceOrderSources(sources);
  const commandSource = binance.source(core.binance.markets.includes('cm') ? 'cm' : 'um');

  let app: Forcewatch;
  try {
    app = await startForcewatch({ settings: loaded.settings, source, commandSource, logger, exchangeNow: () => binance.serverNow() });
  } catch (error) {
    logger.error('forcewatch could not start', { error });
    await binance.close();
    return 1;
  }
  // Polling ends only on a stop: a refused key keeps the bot up (retried once a minute, /healthz 503, a notice).
  const reason = await Promise.race([shutdown, app.done.then(() => 'poller ended')]);
  logger.info('shutting down', { reason });
  await app.stop();
  await binance.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`forcewatch crashed: ${redact(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    process.exit(1);
  },
);

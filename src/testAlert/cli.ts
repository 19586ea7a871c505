import { existsSync } from 'node:fs';
import { loadSettings } from '../app/loadSettings.js';
import { createLogger } from '../ops/logger.js';
import { redact } from '../ops/redact.js';
import { sendTestAlerts } from './sendTestAlerts.js';

/** `npm run test-alert`: one sample alert and one grouped sample through every configured sink; exit 0 when all took them. */
async function main(): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const loaded = loadSettings(process.env);
  if (!loaded.ok) {
    process.stderr.write(
      `forcewatch test-alert: fix these settings first (npm run doctor explains each):\n${loaded.errors.map((e) => `  - ${redact(e)}`).join('\n')}\n`,
    );
    return 2;
  }
  const logger = createLogger({ level: 'warn', format: loaded.settings.core.log.format });
  const outcomes = await sendTestAlerts({ settings: loaded.settings, logger });
  for (const outcome of outcomes) {
    process.stdout.write(redact(`${outcome.ok ? '✔' : '✘'} ${outcome.sink}: ${outcome.detail}\n`));
  }
  const failed = outcomes.filter((o) => !o.ok).length;
  if (failed > 0) process.stdout.write(`\n${failed} destination(s) did not take the test alerts: run npm run doctor for what to change.\n`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `forcewatch test-alert crashed: ${redact(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
    );
    process.exit(1);
  },
);

import { existsSync } from 'node:fs';
import { createClient } from 'redis';
import { loadSettings } from '../app/loadSettings.js';
import { accountStorePaths } from '../app/startForcewatch.js';
import { errorMessage } from '../errorCode.js';
import { redact } from '../ops/redact.js';
import { migrateToRedis } from './migrateToRedis.js';

/**
 * `npm run migrate-to-redis`: copies every configured account's lowdb store and archive (the paths
 * `npm start` would use) into the Redis at REDIS_URL. Exit 0: all copied; 1: an account refused or
 * failed (each says why); 2: the settings are wrong, nothing was tried. REDIS_URL is never printed:
 * it may hold a password.
 */
async function main(): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const loaded = loadSettings(process.env);
  // The settings read REDIS_URL and FORCEWATCH_REDIS_PREFIX (checked, the password registered for redaction).
  const ha = loaded.ok ? loaded.settings.core.ha : undefined;
  const errors = [
    ...(loaded.ok ? [] : loaded.errors),
    ...(loaded.ok && !ha ? ['REDIS_URL must be set to the redis:// or rediss:// URL of the Redis to migrate into'] : []),
  ];
  if (!loaded.ok || !ha) {
    process.stderr.write(`forcewatch migrate-to-redis: nothing was migrated:\n${errors.map((e) => `  - ${e}`).join('\n')}\n`);
    return 2;
  }
  const { core, accounts } = loaded.settings;
  const { redisUrl: url, prefix } = ha;
  // No reconnecting: a Redis that cannot be reached fails the run at once instead of hanging it.
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 5_000 } });
  client.on('error', () => {}); // the failed command or connect says it
  try {
    await client.connect();
  } catch (error) {
    process.stderr.write(
      `forcewatch migrate-to-redis: cannot connect to the Redis at REDIS_URL (${redact(errorMessage(error))}); nothing was migrated\n`,
    );
    return 1;
  }
  try {
    const sources = accounts.map((a) => ({ account: a.name, ...accountStorePaths(core, a.name) }));
    const { results, exitCode } = await migrateToRedis({ client, prefix, sources });
    for (const r of results) {
      process.stdout.write(
        r.ok
          ? `✔ ${r.account}: the store${r.migratedFrom === undefined ? '' : ` (migrated from schema ${r.migratedFrom})`} and ${r.orders} archived order(s) are in Redis under ${prefix}\n`
          : `✘ ${r.account}: ${redact(r.problem)}\n`,
      );
    }
    return exitCode;
  } finally {
    client.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `forcewatch migrate-to-redis crashed: ${redact(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
    );
    process.exit(1);
  },
);

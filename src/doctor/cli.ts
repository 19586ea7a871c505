import { existsSync } from 'node:fs';
import { redact } from '../ops/redact.js';
import { runDoctor } from './runDoctor.js';

/** `npm run doctor`: checks every configured part with the settings `npm start` would use; exit 0 when alerting can work. */
async function main(): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  process.stdout.write('forcewatch doctor: checking the settings npm start would use\n');
  const { results, exitCode } = await runDoctor({ env: process.env });
  const failed = results.filter((r) => !r.ok);
  const blocking = failed.filter((r) => r.critical !== false).length;
  process.stdout.write(
    exitCode === 0
      ? `\nEverything alerting needs works${failed.length > 0 ? ` (${failed.length} optional check(s) failed: see above)` : ''}. Next: npm run test-alert\n`
      : `\n${blocking} check(s) that alerting needs failed: fix the ✘ lines above and run npm run doctor again.\n`,
  );
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`forcewatch doctor crashed: ${redact(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    process.exit(1);
  },
);

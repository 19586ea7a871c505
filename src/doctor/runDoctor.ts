import { loadSettings, type Settings } from '../app/loadSettings.js';
import { accountStorePaths } from '../app/startForcewatch.js';
import type { FetchLike } from '../binance/BinanceHttpClient.js';
import { checkBinanceAccounts } from './binanceChecks.js';
import { type CheckResult, doctorExitCode, fail, formatCheckResult, pass } from './CheckResult.js';
import { checkDiscord } from './discordChecks.js';
import { checkRedis } from './redisChecks.js';
import { checkSlack } from './slackChecks.js';
import { checkStore } from './storeChecks.js';

/** Options of `runDoctor`. */
export interface DoctorOptions {
  /** The environment to check, as `npm start` would read it. */
  env: NodeJS.ProcessEnv;
  /** Receives each result line as soon as its check finishes; default stdout. */
  write?: (line: string) => void;
  /** Fetch for the Binance client (tests); default node-fetch. */
  binanceFetch?: FetchLike;
}

/** Every check's result, in order, and the exit code: 0 only when everything alerting needs passed. */
export interface DoctorReport {
  results: CheckResult[];
  exitCode: number;
}

/**
 * Runs every check that the configuration allows, printing each line as it completes: configuration,
 * Binance, Slack, Discord, the store. A part whose settings are invalid is not contacted.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const results: CheckResult[] = [];
  const report = (...found: CheckResult[]) => {
    for (const result of found) {
      results.push(result);
      write(formatCheckResult(result));
    }
  };
  const configuration = checkConfiguration(options.env);
  report(...configuration.results);
  const settings = configuration.settings;
  if (settings) {
    report(...(await checkBinanceAccounts(settings.core.binance, settings.accounts, options.binanceFetch)));
    if (settings.slack) report(...(await checkSlack(settings.slack)));
    if (settings.discord) report(...(await checkDiscord(settings.discord)));
    if (settings.core.ha) {
      report(
        ...(await checkRedis(
          settings.core.ha,
          settings.accounts.map((a) => a.name),
        )),
      );
    } else {
      for (const account of settings.accounts) {
        const found = await checkStore(accountStorePaths(settings.core, account.name).storePath);
        report(...(settings.accounts.length > 1 ? found.map((r) => ({ ...r, name: `${r.name} ${account.name}` })) : found));
      }
    }
  }
  return { results, exitCode: doctorExitCode(results) };
}

/** The configuration checks and, when every variable is valid, the settings the other checks use. */
interface ConfigurationCheck {
  results: CheckResult[];
  settings: Settings | undefined;
}

/** Every variable parsed and valid (as `npm start` reads them), and which chat platforms alerts go to. */
function checkConfiguration(env: NodeJS.ProcessEnv): ConfigurationCheck {
  const loaded = loadSettings(env);
  if (!loaded.ok) {
    return {
      results: loaded.errors.map((error) => fail('configuration', error, 'fix it in .env or the environment (see .env.example)')),
      settings: undefined,
    };
  }
  const { settings } = loaded;
  const sinks = [
    settings.slack && `Slack channel ${settings.slack.alertChannel}`,
    settings.discord && `Discord channel ${settings.discord.alertChannelId}`,
  ].filter(Boolean);
  const results = [pass('configuration', `every variable is valid; ${describeAccounts(settings)}, store ${settings.core.store.path}`)];
  results.push(
    sinks.length > 0
      ? pass('alert destinations', sinks.join(' and '))
      : fail(
          'alert destinations',
          'neither Slack nor Discord is configured: alerts would only be printed on this console',
          'set the SLACK_* or DISCORD_* variables (see README.md, "Set-up in ten minutes")',
        ),
  );
  return { results, settings };
}

/** The accounts as the configuration line names them: one account's markets, or every account's name. */
function describeAccounts(settings: Settings): string {
  const [only] = settings.accounts;
  if (settings.accounts.length === 1 && only) return `markets ${only.markets.join(', ')}`;
  return `${settings.accounts.length} accounts (${settings.accounts.map((a) => a.name).join(', ')})`;
}

import { REST } from 'discord.js';
import type { FetchLike } from '../binance/BinanceHttpClient.js';
import { createBinanceClient } from '../binance/createBinanceClient.js';
import type { CoreConfig } from '../config.js';
import type { DiscordConfig } from '../discord/DiscordConfig.js';
import { discordRestOptions } from '../discord/DiscordConfig.js';
import { silentLogger } from '../ops/logger.js';
import { createSlackWebClient } from '../slack/createSlackWebClient.js';
import type { SlackConfig } from '../slack/slackConfig.js';
import { type CheckResult, doctorExitCode, fail, formatCheckResult } from './CheckResult.js';
import { checkBinanceClock } from './checkBinanceClock.js';
import { checkBinanceForceOrders } from './checkBinanceForceOrders.js';
import { checkConfiguration } from './checkConfiguration.js';
import { checkDiscordChannel } from './checkDiscordChannel.js';
import { checkDiscordCommand } from './checkDiscordCommand.js';
import { checkDiscordToken } from './checkDiscordToken.js';
import { checkSlackAuth } from './checkSlackAuth.js';
import { checkSlackChannel } from './checkSlackChannel.js';
import { checkSlackConnection } from './checkSlackConnection.js';
import { checkStore } from './checkStore.js';
import { checkStoreLock } from './checkStoreLock.js';

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
    report(...(await checkBinance(settings.core.binance, options.binanceFetch)));
    if (settings.slack) report(...(await checkSlack(settings.slack)));
    if (settings.discord) report(...(await checkDiscord(settings.discord)));
    report(await checkStore(settings.core.store.path), await checkStoreLock(settings.core.store.path));
  }
  return { results, exitCode: doctorExitCode(results) };
}

async function checkBinance(config: CoreConfig['binance'], fetch: FetchLike | undefined): Promise<CheckResult[]> {
  let client;
  try {
    // One attempt: the doctor reports what happened instead of retrying for a minute.
    client = createBinanceClient({ ...config, maxAttempts: 1, ...(fetch && { fetch }) });
  } catch (error) {
    return [
      fail(
        'binance: credentials',
        (error as Error).message,
        'set BINANCE_API_SECRET (HMAC key) or BINANCE_PRIVATE_KEY_PATH (a readable Ed25519/RSA PEM file), not both',
      ),
    ];
  }
  try {
    const clock = await checkBinanceClock(client, config.fapiUrl);
    const results = [clock.result];
    for (const market of config.markets) {
      results.push(await checkBinanceForceOrders(client, market, { papiUrl: config.papiUrl, serverNow: Date.now() + clock.offsetMs }));
    }
    return results;
  } finally {
    await client.close();
  }
}

async function checkSlack(config: SlackConfig): Promise<CheckResult[]> {
  const client = createSlackWebClient(config.botToken, config.apiUrl, silentLogger);
  const appClient =
    config.connection.mode === 'socket' ? createSlackWebClient(config.connection.appToken, config.apiUrl, silentLogger) : undefined;
  const auth = await checkSlackAuth(client, config.apiUrl);
  if (!auth.ok) return [auth, await checkSlackConnection(config.connection, appClient, config.apiUrl)];
  return [
    auth,
    await checkSlackChannel(client, config.alertChannel, config.apiUrl),
    await checkSlackConnection(config.connection, appClient, config.apiUrl),
  ];
}

async function checkDiscord(config: DiscordConfig): Promise<CheckResult[]> {
  const rest = new REST(discordRestOptions(config.apiUrl)).setToken(config.token);
  try {
    const token = await checkDiscordToken(rest, config.apiUrl);
    if (!token.result.ok) return [token.result];
    return [
      token.result,
      await checkDiscordChannel(rest, config.alertChannelId, token.botUserId, config.apiUrl),
      await checkDiscordCommand(rest, config),
    ];
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}

import { createAccountClients } from '../../../src/app/accountClients.js';
import { loadSettings } from '../../../src/app/loadSettings.js';
import { type Forcewatch, startForcewatch } from '../../../src/app/startForcewatch.js';
import type { Logger } from '../../../src/ops/logger.js';
import type { PipelineEvents } from '../../../src/pipeline/EventBus.js';
import type { FakeDiscord } from '../../fakes/discord/FakeDiscord.js';
import type { FakeClock } from '../../fakes/FakeClock.js';
import { binanceEnv } from './binanceEnv.js';
import { chatEnv } from './chatEnv.js';

/** The wired bot with both chat adapters, and what its bus said. */
export interface ChatBot {
  app: Forcewatch;
  /** Every `alertsQueued` alert id, in the order queued. */
  queued: string[];
  /** Per sink, every `delivered` notification, in order. */
  delivered: Map<string, PipelineEvents['delivered'][]>;
  /** Every `deliveryFailed`, in order. */
  failures: PipelineEvents['deliveryFailed'][];
  stop(): Promise<void>;
}

/** Where the bot finds the simulator, the chat fakes (or switches in front of them) and its store. */
export interface ChatBotOptions {
  clock: FakeClock;
  simUrl: string;
  storePath: string;
  slackApiUrl: string;
  discord: FakeDiscord;
  discordApiUrl?: string;
  logger: Logger;
  /** More settings, e.g. ALERT_GROUP_THRESHOLD. */
  env?: Record<string, string>;
}

/**
 * `startForcewatch` in-process with Slack (HTTP mode) and Discord configured from the environment as
 * `npm start` reads it, the real Binance client on the fake clock, both books merged.
 */
export async function startChatBot(options: ChatBotOptions): Promise<ChatBot> {
  const env = {
    ...binanceEnv(options.simUrl, options.storePath),
    ...chatEnv(options.slackApiUrl, options.discord, options.discordApiUrl),
    POLL_INTERVAL_MS: '1000',
    ...options.env,
  };
  const loaded = loadSettings(env);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  const { clock, logger } = options;
  const binance = createAccountClients(loaded.settings.core, loaded.settings.accounts, { clock, logger });
  // Polling alone, as these suites were built: no user data stream, no risk monitor.
  const exchanges = binance.exchanges.map(({ config, source, commandSource, exchangeNow }) => ({
    config,
    source,
    commandSource,
    exchangeNow,
  }));
  const app = await startForcewatch({ settings: loaded.settings, exchanges, logger, clock });
  const stop = async () => {
    await app.stop();
    await binance.close();
  };
  const bot: ChatBot = { app, queued: [], delivered: new Map(), failures: [], stop };
  app.pipeline.bus.on('alertsQueued', ({ alerts }) => {
    bot.queued.push(...alerts.map((a) => a.id));
  });
  app.pipeline.bus.on('delivered', (event) => {
    bot.delivered.set(event.sink, [...(bot.delivered.get(event.sink) ?? []), event]);
  });
  app.pipeline.bus.on('deliveryFailed', (event) => {
    bot.failures.push(event);
  });
  return bot;
}

/**
 * Sleeps that mean the bot is idle on time: compaction and poller, plus one per sink with alerts
 * waiting (such a sink is either sending, which is I/O, or asleep in its backoff). For `driveUntil`.
 */
export function idleSleepers(bot: ChatBot, sinks: readonly string[]): number {
  return 2 + sinks.filter((s) => deliveredIds(bot, s).length < bot.queued.length).length;
}

/** The alert ids a sink has been recorded as having, in delivery order. */
export function deliveredIds(bot: ChatBot, sink: string): string[] {
  return (bot.delivered.get(sink) ?? []).flatMap((d) => d.alertIds);
}

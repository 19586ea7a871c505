import { hostname } from 'node:os';
import { REST, Routes } from 'discord.js';
import type { Settings } from '../app/loadSettings.js';
import { ConsoleSink } from '../console/ConsoleSink.js';
import { discordRestOptions } from '../discord/DiscordConfig.js';
import { DiscordSink } from '../discord/DiscordSink.js';
import { errorMessage } from '../errorCode.js';
import { type Logger, silentLogger } from '../ops/logger.js';
import type { Sink } from '../sinks/Sink.js';
import { createSlackWebClient } from '../slack/createSlackAdapter.js';
import { SlackSink } from '../slack/SlackSink.js';
import { sampleNotifications } from './sampleNotifications.js';

/** Options of `sendTestAlerts`. */
export interface TestAlertOptions {
  settings: Pick<Settings, 'slack' | 'discord'>;
  /** Where the console sink prints when no chat platform is configured; default stdout. */
  write?: (text: string) => void;
  logger?: Logger;
  /** Time of the samples; default now. */
  now?: number;
  /** Spacing of Slack messages; default the Slack sink's one a second (tests shorten it). */
  slackMinIntervalMs?: number;
}

/** What happened on one destination. */
export interface TestAlertOutcome {
  sink: string;
  ok: boolean;
  /** What was sent, or the failure. */
  detail: string;
}

/** A destination: its alert sink, and how to post the plain note that says the samples are samples. */
interface TestTarget {
  sink: Sink;
  note(text: string): Promise<void>;
  close?(): void;
}

/**
 * Sends a note, then one sample alert and one grouped sample, through every configured sink (or the
 * console when none), exactly as the bot renders real ones. Opens no store: the watermark and the
 * outbox are untouched. Mentions are off, so nobody is paged by a test.
 */
export async function sendTestAlerts(options: TestAlertOptions): Promise<TestAlertOutcome[]> {
  const now = options.now ?? Date.now();
  const [single, group] = sampleNotifications(now);
  const note =
    `forcewatch TEST from ${hostname()} (npm run test-alert): the next two messages are samples of a liquidation alert and a ` +
    'grouped alert. No force order happened; sample orders carry clientOrderId forcewatch-test-….';
  const outcomes: TestAlertOutcome[] = [];
  for (const target of targets(options)) {
    try {
      await target.note(note);
      await target.sink.deliver(single);
      await target.sink.deliver(group);
      outcomes.push({ sink: target.sink.name, ok: true, detail: 'a note, one sample alert and one grouped sample (6 orders) sent' });
    } catch (error) {
      outcomes.push({ sink: target.sink.name, ok: false, detail: errorMessage(error) });
    } finally {
      target.close?.();
    }
  }
  return outcomes;
}

function targets(options: TestAlertOptions): TestTarget[] {
  const logger = options.logger ?? silentLogger;
  const found: TestTarget[] = [];
  const { slack, discord } = options.settings;
  if (slack) {
    const client = createSlackWebClient(slack.botToken, slack.apiUrl, logger);
    found.push({
      sink: new SlackSink({ client, channel: slack.alertChannel, logger, minIntervalMs: options.slackMinIntervalMs }),
      note: async (text) => void (await client.chat.postMessage({ channel: slack.alertChannel, text })),
    });
  }
  if (discord) {
    const rest = new REST(discordRestOptions(discord.apiUrl)).setToken(discord.token);
    found.push({
      sink: new DiscordSink({
        rest,
        channelId: discord.alertChannelId,
        mentions: { roleId: undefined, minNotionalUsd: undefined },
        logger,
      }),
      note: async (text) =>
        void (await rest.post(Routes.channelMessages(discord.alertChannelId), {
          body: { content: text, allowed_mentions: { parse: [] } },
        })),
      close: () => {
        rest.clearHashSweeper();
        rest.clearHandlerSweeper();
      },
    });
  }
  if (found.length === 0) {
    const write = options.write ?? ((text: string) => void process.stdout.write(text));
    found.push({ sink: new ConsoleSink({ write }), note: async (text) => write(`${text}\n\n`) });
  }
  return found;
}

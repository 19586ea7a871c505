import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PapiSimulator } from '../../src/simulator/PapiSimulator.js';
import { captureLogger } from '../fakes/captureLogger.js';
import type { FakeDiscord } from '../fakes/discord/FakeDiscord.js';
import type { FakeClock } from '../fakes/FakeClock.js';
import type { FakeSlack } from '../fakes/slack/FakeSlack.js';
import { type ChatWorld, openChatWorld } from './support/ChatWorld.js';
import { discordAnnounced, slackAnnounced } from './support/countAlerts.js';
import { driveUntil } from './support/driveClock.js';
import { type ChatBot, deliveredIds, idleSleepers, startChatBot } from './support/startChatBot.js';

const CASCADE = 10_000;
const SINKS = ['slack', 'discord'];
/** A tight Discord bucket (5 per second), so the REST client's bucket handling is what keeps it legal. */
const DISCORD_BUCKET = { bucketLimit: 5, bucketWindowSec: 1 };
const MB = 1024 * 1024;

/** 10,000 force orders within one minute, with 429s from both chat platforms on the way. */
describe('load: a 10,000-order cascade', () => {
  let world: ChatWorld;
  let clock: FakeClock;
  let sim: PapiSimulator;
  let slack: FakeSlack;
  let discord: FakeDiscord;
  let bot: ChatBot | undefined;
  const log = captureLogger('info');

  beforeEach(async () => {
    world = await openChatWorld(31, DISCORD_BUCKET);
    ({ clock, sim, slack, discord } = world);
  });

  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
    await world.close();
  });

  it('alerts all of it as grouped messages within both platforms limits, with a small store at the end', async () => {
    const storePath = join(world.dir, 'fw.json');
    bot = await startChatBot({ clock, simUrl: sim.url, storePath, slackApiUrl: slack.apiUrl, discord, logger: log.logger });
    await driveUntil(clock, () => sim.requests.some((r) => r.path.endsWith('/forceOrders') && r.status === 200));
    const rssBefore = process.memoryUsage().rss;

    const keys = sim.addBurst(CASCADE, { spreadMs: 59_000 }).map((o) => `cm:${o.orderId}`);
    for (let i = 0; i < 2; i += 1) {
      slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 3 });
      discord.failNext('POST', /^\/channels\/\d+\/messages$/, { kind: 'rateLimit', retryAfterSec: 1 });
    }
    let peakStore = 0;
    let peakRss = 0;
    bot.app.pipeline.bus.on('delivered', () => {
      peakStore = Math.max(peakStore, statSync(storePath).size);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    });
    const startedAt = performance.now();
    await driveUntil(clock, () => SINKS.every((s) => deliveredIds(bot!, s).length >= CASCADE), {
      what: 'the cascade delivered to both sinks',
      idleSleepers: () => idleSleepers(bot!, SINKS),
    });
    const tookMs = performance.now() - startedAt;
    const finalStore = statSync(storePath).size;

    for (const sink of SINKS) {
      const ids = deliveredIds(bot, sink);
      expect(ids.length).toBe(CASCADE);
      expect(new Set(ids)).toEqual(new Set(keys));
      const deliveries = bot.delivered.get(sink)!;
      // Grouped: at most the threshold's worth of singles before the cascade's bulk arrived.
      expect(deliveries.filter((d) => !d.grouped).length).toBeLessThanOrEqual(5);
      expect(deliveries.length).toBeLessThan(CASCADE / 100);
    }
    // The fakes saw every order counted once, in group headers.
    const known = new Set(keys.map((k) => k.slice(3)));
    const slackCount = slack.messages.reduce((n, m) => n + slackAnnounced(m, known).count, 0);
    const discordCount = discord.messages.reduce((n, m) => n + discordAnnounced(m, known).count, 0);
    expect(slackCount).toBe(CASCADE);
    expect(discordCount).toBe(CASCADE);

    // Slack: about one message a second to the channel.
    const gaps = slack.messages.slice(1).map((m, i) => m.at - slack.messages[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(900);
    // Discord: the fake answers 429 to any request past its bucket; only the two scripted ones happened.
    expect(discord.requests.filter((r) => r.status === 429)).toHaveLength(2);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage').length).toBe(slack.messages.length + 2);

    console.info(
      `load: ${CASCADE} orders -> slack ${slack.messages.length} messages (min gap ${Math.round(Math.min(...gaps))} ms), ` +
        `discord ${discord.messages.length} messages, ${sim.requests.length} exchange requests; ` +
        `store peak ${(peakStore / MB).toFixed(2)} MB, final ${finalStore} bytes; ` +
        `RSS ${(rssBefore / MB).toFixed(0)} -> peak ${(peakRss / MB).toFixed(0)} MB; ${Math.round(tookMs)} ms`,
    );
    expect(finalStore).toBeLessThan(1 * MB);
    expect(peakStore).toBeLessThan(20 * MB);
    expect(peakRss).toBeLessThan(1024 * MB);
  }, 120_000);
});

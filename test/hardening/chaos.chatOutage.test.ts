import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PapiSimulator } from '../../src/simulator/PapiSimulator.js';
import { captureLogger } from '../fakes/captureLogger.js';
import type { FakeDiscord } from '../fakes/discord/FakeDiscord.js';
import type { FakeClock } from '../fakes/FakeClock.js';
import type { FakeSlack } from '../fakes/slack/FakeSlack.js';
import { type ChatWorld, openChatWorld } from './support/ChatWorld.js';
import { discordAnnounced, isDiscordNotice, isSlackNotice, mentionsPerOrder, slackAnnounced } from './support/countAlerts.js';
import { driveUntil } from './support/driveClock.js';
import { HttpSwitch, type SwitchMode } from './support/HttpSwitch.js';
import { type ChatBot, deliveredIds, idleSleepers, startChatBot } from './support/startChatBot.js';

const MINUTE = 60_000;
const SINKS = ['slack', 'discord'];

/** Slack and Discord unreachable for ten minutes of fake time: refused, then 500s, then 429s; then back. */
describe('chat down for 10 minutes', () => {
  let world: ChatWorld;
  let clock: FakeClock;
  let sim: PapiSimulator;
  let slack: FakeSlack;
  let discord: FakeDiscord;
  let switches: HttpSwitch[];
  let bot: ChatBot | undefined;
  const log = captureLogger('info');

  beforeEach(async () => {
    world = await openChatWorld(21);
    ({ clock, sim, slack, discord } = world);
    switches = [await HttpSwitch.start(slack.apiUrl), await HttpSwitch.start(discord.apiUrl)];
  });

  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
    await Promise.all(switches.map((s) => s.close()));
    await world.close();
  });

  const setBoth = (mode: SwitchMode) => Promise.all(switches.map((s) => s.set(mode)));

  /** Lets `ms` of fake time pass with an order every 20 s (and a cascade of `cascade` halfway); returns their keys. */
  async function tradeFor(ms: number, cascade = 0): Promise<string[]> {
    const keys: string[] = [];
    const end = clock.now() + ms;
    for (let at = clock.now(); at < end; at += 20_000) {
      const orders = sim.addOrders([{ market: keys.length % 4 === 0 ? 'um' : 'cm' }]);
      if (cascade > 0 && at + 20_000 >= end - ms / 2 && at < end - ms / 2) orders.push(...sim.addBurst(cascade, { spreadMs: 10 }));
      keys.push(...orders.map((o) => `${o.pair === undefined ? 'um' : 'cm'}:${o.orderId}`));
      const target = Math.min(end, at + 20_000);
      await driveUntil(clock, () => clock.now() >= target, { idleSleepers: () => idleSleepers(bot!, SINKS) });
    }
    return keys;
  }

  it('delivers every alert of the outage afterwards, oldest first, grouped, once at each platform', async () => {
    const [slackSwitch, discordSwitch] = switches as [HttpSwitch, HttpSwitch];
    bot = await startChatBot({
      clock,
      simUrl: sim.url,
      storePath: join(world.dir, 'fw.json'),
      slackApiUrl: slackSwitch.url(slack.apiUrl),
      discord,
      discordApiUrl: discordSwitch.url(discord.apiUrl),
      logger: log.logger,
    });
    // The first poll ran while the adapters connected; the exchange has answered one.
    await driveUntil(clock, () => sim.requests.some((r) => r.path.endsWith('/forceOrders') && r.status === 200));
    const failedIn = (from: number) => new Set(bot!.failures.slice(from).map((f) => f.sink));

    await setBoth('refuse');
    const keys = await tradeFor(3 * MINUTE, 12);
    const refusedFailures = bot.failures.length;
    expect(failedIn(0)).toEqual(new Set(['slack', 'discord']));

    await setBoth('error500');
    keys.push(...(await tradeFor(3 * MINUTE)));
    expect(failedIn(refusedFailures)).toEqual(new Set(['slack', 'discord']));
    expect(slackSwitch.counts.error500).toBeGreaterThan(0);
    expect(discordSwitch.counts.error500).toBeGreaterThan(0);

    // Four minutes of 429s. Slack: each asks a minute's wait, so four cover the phase. Discord: one 429
    // whose bucket @discordjs/rest then keeps closed by itself, on real time (so it is kept short).
    await setBoth('pass');
    const before429 = bot.failures.length;
    for (let i = 0; i < 4; i += 1) slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 60 });
    discord.failNext('POST', /^\/channels\/\d+\/messages$/, { kind: 'rateLimit', retryAfterSec: 16 });
    keys.push(...(await tradeFor(4 * MINUTE)));
    const limited = bot.failures.slice(before429);
    expect(new Set(limited.map((f) => f.sink))).toEqual(new Set(['slack', 'discord']));
    expect(limited.every((f) => /rate limit/i.test(String(f.error)))).toBe(true);
    expect(limited.filter((f) => f.sink === 'slack').every((f) => f.retryInMs >= 60_000)).toBe(true);
    expect(deliveredIds(bot, 'slack')).toEqual([]);

    // Back: everything of the ten minutes arrives.
    await driveUntil(clock, () => ['slack', 'discord'].every((s) => keys.every((k) => deliveredIds(bot!, s).includes(k))), {
      what: 'every alert of the outage delivered',
      idleSleepers: () => idleSleepers(bot!, SINKS),
    });

    for (const sink of ['slack', 'discord']) {
      // Oldest first, each once: the order the poller queued them.
      expect(deliveredIds(bot, sink)).toEqual(bot.queued);
      // The first attempt, made when one alert was waiting, is retried as it was (same alerts, same
      // key, so a platform can recognise it); everything that piled up behind it goes out grouped.
      const [first, second] = bot.delivered.get(sink)!;
      expect(first!.alertIds).toHaveLength(1);
      expect(second!.grouped).toBe(true);
      expect(second!.alertIds.length).toBeGreaterThan(20);
      expect(bot.delivered.get(sink)!.length).toBeLessThan(keys.length / 2);
    }
    const known = new Set(keys.map((k) => k.split(':')[1]!));
    const slackMessages = slack.messages.filter((m) => !isSlackNotice(m)).map((m) => slackAnnounced(m, known));
    const discordMessages = discord.messages.filter((m) => !isDiscordNotice(m)).map((m) => discordAnnounced(m, known));
    // What the watchdog said on the way: only which platform failed and came back (the one back first told of the other).
    const noticeTitles = [
      ...slack.messages.filter(isSlackNotice).map((m) => m.text ?? ''),
      ...discord.messages.filter(isDiscordNotice).map((m) => String(m.body.embeds?.[0]?.title)),
    ];
    expect(noticeTitles.length).toBeGreaterThan(0);
    for (const title of noticeTitles) expect(title).toMatch(/^forcewatch (cannot deliver to|delivers to) (slack|discord)/);
    for (const counts of [mentionsPerOrder(slackMessages), mentionsPerOrder(discordMessages)]) {
      expect([...known].filter((id) => counts.get(id) !== 1)).toEqual([]);
    }
    expect(slackMessages[1]!.count).toBeGreaterThan(20);
    expect(discordMessages[1]!.count).toBeGreaterThan(20);
    console.info(
      `chat outage: ${keys.length} orders in 10 min; slack ${slack.messages.length} messages, discord ${discord.messages.length}; ` +
        `${bot.failures.length} failed attempts (${refusedFailures} refused)`,
    );
  }, 120_000);
});

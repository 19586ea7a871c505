import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PapiSimulator, SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import type { SimulatorAccount } from '../../src/simulator/types.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeDiscord, type RecordedMessage } from '../fakes/discord/FakeDiscord.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { PingServer } from '../fakes/PingServer.js';
import { FakeSlack, type PostedMessage } from '../fakes/slack/FakeSlack.js';
import { tempDir } from '../pipeline/pipelineHarness.js';
import { SLACK_BOT_TOKEN } from './support/chatEnv.js';
import { discordAnnounced, isDiscordNotice, isSlackNotice, mentionsPerOrder, slackAnnounced } from './support/countAlerts.js';
import { driveUntil } from './support/driveClock.js';
import { type ChatBot, idleSleepers, startChatBot } from './support/startChatBot.js';

const MINUTE = 60_000;
const SINKS = ['slack', 'discord'];

/**
 * The key is revoked at Binance (or this host's IP leaves its allow-list: the same -2015) while the
 * bot runs with Slack and Discord, then restored: the bot stays up, both channels are told within
 * WATCHDOG_AFTER what is wrong and what to do, reminded after an hour, told when it works again, and
 * every order of the gap is alerted once.
 */
describe('a revoked key, end to end through Slack and Discord', () => {
  let clock: FakeClock;
  /** The simulator's accepted keys: it reads this list on every signed request. */
  let accounts: SimulatorAccount[];
  let sim: PapiSimulator;
  let slack: FakeSlack;
  let discord: FakeDiscord;
  let heartbeat: PingServer;
  let dir: { dir: string; cleanup: () => Promise<void> };
  let bot: ChatBot | undefined;
  const log = captureLogger('info');

  beforeEach(async () => {
    clock = new FakeClock();
    accounts = [{ apiKey: SIM_API_KEY, hmacSecret: SIM_API_SECRET }];
    sim = await PapiSimulator.start({ now: () => clock.now(), seed: 11, accounts });
    slack = new FakeSlack({ botToken: SLACK_BOT_TOKEN });
    await slack.start();
    discord = await FakeDiscord.start();
    heartbeat = new PingServer();
    await heartbeat.start();
    dir = await tempDir();
  });

  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
    await Promise.all([sim.close(), slack.stop(), discord.close(), heartbeat.close()]);
    await dir.cleanup();
  });

  const idle = () => idleSleepers(bot!, SINKS);
  const notices = () => ({
    slack: slack.messages.filter(isSlackNotice),
    discord: discord.messages.filter(isDiscordNotice),
  });
  /** What a notice says, as a reader sees it (Discord's markdown escapes taken out: `BINANCE\_API\_KEY` shows as BINANCE_API_KEY). */
  const noticeText = (m: PostedMessage | RecordedMessage) =>
    'body' in m
      ? `${m.body.embeds?.[0]?.title}\n${m.body.embeds?.[0]?.description}`.replace(/\\(.)/g, '$1')
      : `${m.text}\n${JSON.stringify(m.blocks)}`;
  const forceOrderRequests = () => sim.requests.filter((r) => r.path.endsWith('/forceOrders'));
  /** Adds one force order on a book now; returns its alert id. */
  const trade = (market: 'cm' | 'um') => {
    const [order] = sim.addOrders([{ market }]);
    return `${market}:${order!.orderId}`;
  };

  it('stays up, tells both channels within WATCHDOG_AFTER, reminds after an hour, and alerts the gap once the key works again', async () => {
    bot = await startChatBot({
      clock,
      simUrl: sim.url,
      storePath: join(dir.dir, 'fw.json'),
      slackApiUrl: slack.apiUrl,
      discord,
      logger: log.logger,
      env: { WATCHDOG_AFTER: '2m', HEARTBEAT_URL: heartbeat.url, ALERT_MENTION_NOTIONAL_USD: '0' },
    });
    const { bus } = bot.app.pipeline;
    const sentAt: { sink: string; severity: string; at: number }[] = [];
    const onSent = new Set<() => void>();
    bus.on('noticeSent', ({ sink, severity }) => {
      sentAt.push({ sink, severity, at: clock.now() });
      for (const check of [...onSent]) check();
    });
    /** True once `sinks` have accepted `count` notices of `severity` (the fake has them, and the bot knows). */
    const told = (severity: 'warning' | 'recovered', count = 1, sinks = SINKS) =>
      sinks.every((sink) => sentAt.filter((s) => s.sink === sink && s.severity === severity).length >= count);
    /** When Discord (which posts at once; Slack keeps a real second between posts) accepted its latest notice of `severity`. */
    const discordToldAt = (severity: 'warning' | 'recovered') =>
      sentAt.filter((s) => s.sink === 'discord' && s.severity === severity).at(-1)?.at ?? 0;
    /** Resolves once `told(severity, count)`, without moving the clock (Slack's pacing between posts is real time). */
    const untilTold = (severity: 'warning' | 'recovered', count: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!told(severity, count)) return;
          onSent.delete(check);
          resolve();
        };
        onSent.add(check);
        check();
      });
    await driveUntil(clock, () => forceOrderRequests().some((r) => r.status === 200) && heartbeat.requests.length > 0, {
      idleSleepers: idle,
    });

    accounts.splice(0);
    const revokedAt = clock.now();
    const requestsBefore = forceOrderRequests().length;
    const pingsBefore = heartbeat.requests.length;
    const gap = [trade('cm')];
    await driveUntil(clock, () => told('warning', 1, ['discord']), { what: 'a notice', idleSleepers: idle, stepMs: 1_000 });
    const noticeAfterMs = discordToldAt('warning') - revokedAt;
    await untilTold('warning', 1);
    expect(noticeAfterMs).toBeGreaterThanOrEqual(2 * MINUTE);
    expect(noticeAfterMs).toBeLessThanOrEqual(3 * MINUTE);
    for (const message of [notices().slack[0]!, notices().discord[0]!]) {
      const text = noticeText(message);
      expect(text).toContain('forcewatch is blind: Binance refuses the API key');
      for (const setting of [
        'BINANCE_API_KEY',
        'BINANCE_API_SECRET',
        'BINANCE_PRIVATE_KEY_PATH',
        'allow-list',
        'API Management',
        '-2015',
      ]) {
        expect(text).toContain(setting);
      }
    }
    // A notice never pings: no Slack mention markup (one is configured for every alert), no Discord ping.
    expect(JSON.stringify(notices().slack)).not.toMatch(/<!|<@/);
    expect(notices().discord.every((m) => !m.pinged.everyone && m.pinged.roles.length === 0 && m.pinged.users.length === 0)).toBe(true);

    // The rest of the hour, and into the next: orders keep happening; one reminder, no flood.
    gap.push(trade('um'));
    const hourEnd = revokedAt + 62 * MINUTE + 30_000;
    await driveUntil(clock, () => clock.now() >= revokedAt + 30 * MINUTE, { idleSleepers: idle, stepMs: 5_000, maxMs: 2 * 60 * MINUTE });
    gap.push(trade('cm'), trade('cm'));
    await driveUntil(clock, () => clock.now() >= hourEnd, { idleSleepers: idle, stepMs: 5_000, maxMs: 2 * 60 * MINUTE });
    // Slack spaces posts a real second apart: the reminder may still be waiting its turn.
    await untilTold('warning', 2);
    expect(notices().slack).toHaveLength(2);
    expect(notices().discord).toHaveLength(2);
    expect(noticeText(notices().slack[1]!)).toContain('No force order has been read for 63m');
    const refusedRequests = forceOrderRequests().length - requestsBefore;
    const refusedPerHour = (refusedRequests * 60 * MINUTE) / (clock.now() - revokedAt);
    // Both books, once a minute: about two signed requests a minute, not two per 1 s poll.
    expect(refusedPerHour).toBeLessThanOrEqual(2 * 61);
    // The dead man's switch stops with the polls: healthchecks.io notices a bot that cannot see.
    expect(heartbeat.requests.length).toBe(pingsBefore);
    expect(bot.queued).toEqual([]);

    accounts.push({ apiKey: SIM_API_KEY, hmacSecret: SIM_API_SECRET });
    const restoredAt = clock.now();
    await driveUntil(clock, () => told('recovered', 1, ['discord']), { what: 'the recovery notice', idleSleepers: idle, stepMs: 1_000 });
    const recoveredAfterMs = discordToldAt('recovered') - restoredAt;
    await untilTold('recovered', 1);
    expect(recoveredAfterMs).toBeLessThanOrEqual(MINUTE);
    for (const message of [notices().slack[2]!, notices().discord[2]!]) {
      const text = noticeText(message);
      expect(text).toContain('forcewatch reads Binance again');
      expect(text).toMatch(/after 6\dm blind/);
      expect(text).toContain('4 force orders were found in the gap');
    }
    await driveUntil(clock, () => SINKS.every((s) => gap.every((id) => bot!.delivered.get(s)?.some((d) => d.alertIds.includes(id)))), {
      what: 'every order of the gap delivered',
      idleSleepers: idle,
    });
    expect([...bot.queued].sort()).toEqual([...gap].sort());
    const known = new Set(gap.map((id) => id.split(':')[1]!));
    const slackAlerts = slack.messages.filter((m) => !isSlackNotice(m)).map((m) => slackAnnounced(m, known));
    const discordAlerts = discord.messages.filter((m) => !isDiscordNotice(m)).map((m) => discordAnnounced(m, known));
    for (const counts of [mentionsPerOrder(slackAlerts), mentionsPerOrder(discordAlerts)]) {
      expect([...known].filter((id) => counts.get(id) !== 1)).toEqual([]);
    }
    await driveUntil(clock, () => heartbeat.requests.length > pingsBefore, { idleSleepers: idle, what: 'a heartbeat again' });
    console.info(
      `revoked key: notice ${noticeAfterMs / 1000} s of fake time after the revocation (WATCHDOG_AFTER 2m); ` +
        `${refusedRequests} force-order requests in ${Math.round((restoredAt - revokedAt) / MINUTE)} min refused ` +
        `(${Math.round(refusedPerHour)}/hour, both books); recovery notice ${recoveredAfterMs / 1000} s after the key came back`,
    );
  }, 120_000);
});

import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PapiSimulator } from '../../src/simulator/PapiSimulator.js';
import { SeededRandom } from '../../src/simulator/SeededRandom.js';
import type { StoreDocument } from '../../src/store/StoreDocument.js';
import { FakeDiscord } from '../fakes/discord/FakeDiscord.js';
import { FakeSlack } from '../fakes/slack/FakeSlack.js';
import { tempDir } from '../pipeline/pipelineHarness.js';
import { BotProcess } from './support/BotProcess.js';
import { binanceEnv } from './support/binanceEnv.js';
import { chatEnv, SLACK_BOT_TOKEN } from './support/chatEnv.js';
import { type AnnouncedAlert, countedUnnamed, discordAnnounced, mentionsPerOrder, slackAnnounced } from './support/countAlerts.js';
import { onSlackAccept } from './support/onSlackAccept.js';

/** Kills in a row; the brief asks for 50. `CHAOS_KILLS` shortens a local run, never CI. */
const KILLS = Number(process.env.CHAOS_KILLS ?? 50);
/** `CHAOS_SEED` replays a failing run: every choice below comes from this seed. */
const SEED = Number(process.env.CHAOS_SEED ?? 20_261_125);

/** Where in the poll/deliver cycle a kill lands. */
type KillPoint = 'startup' | 'mid-poll' | 'slack-accepted' | 'discord-accepted' | 'random';

/** What one run of the bot did before its SIGKILL. */
interface KillRecord {
  point: KillPoint;
  /** Slack messages accepted during this run whose ids the store still had pending for Slack after the kill: each one a resend the restart must recognise. */
  slackUnrecorded: string[][];
}

/**
 * The bot compiled once (tsconfig.build.json, into an ignored cache inside node_modules so its imports
 * resolve): a cold start under tsx costs about 1.6 s here, compiled JS about 0.8 s, and there are 52.
 * One directory per run: a checkout whose node_modules links to this one's, running the test at the
 * same time, compiled its own code over a shared one and both ran whichever build came last.
 */
const BUILD_DIR = `node_modules/.cache/forcewatch-chaos-${process.pid}`;
const MAIN = [join(BUILD_DIR, 'src/main.js')];

describe('SIGKILL chaos: the bot as a process, killed at random points, against a live order flow', () => {
  let sim: PapiSimulator;
  let slack: FakeSlack;
  let discord: FakeDiscord;
  let dir: { dir: string; cleanup: () => Promise<void> };
  let bot: BotProcess | undefined;

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', BUILD_DIR]);
    sim = await PapiSimulator.start({ seed: SEED });
    slack = new FakeSlack({ botToken: SLACK_BOT_TOKEN });
    await slack.start();
    discord = await FakeDiscord.start();
    dir = await tempDir();
  });

  afterAll(async () => {
    await bot?.kill();
    await rm(BUILD_DIR, { recursive: true, force: true });
    await Promise.all([sim?.close(), slack?.stop(), discord?.close()]);
    await dir?.cleanup();
  });

  const storePath = () => join(dir.dir, 'forcewatch.json');

  function env(): Record<string, string> {
    return {
      ...binanceEnv(sim.url, storePath()),
      // The config's floor; the brief's 200 ms is refused by POLL_INTERVAL_MS's validation.
      POLL_INTERVAL_MS: '1000',
      LOG_FORMAT: 'json',
      ...chatEnv(slack.apiUrl, discord),
    };
  }

  /**
   * Resolves when the kill point is reached, or after `fallbackMs` (the point may not come this run):
   * counted from the spawn for `startup`, from `forcewatch started` for the others. Counted from the
   * spawn, a loaded machine's slow starts (seen in CI) had every life killed before it delivered
   * anything, and the run never reached the accept->record window it is there to test.
   */
  function killMoment(
    point: KillPoint,
    random: SeededRandom,
    fallbackMs: number,
    started: Promise<unknown>,
  ): { reached: Promise<void>; cancel: () => void } {
    const cleanups: (() => void)[] = [];
    const reached = new Promise<void>((resolve) => {
      const delayMs = point === 'startup' || point === 'random' ? random.int(0, fallbackMs) : fallbackMs;
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        timer = setTimeout(resolve, delayMs);
      };
      let cancelled = false;
      if (point === 'startup') arm();
      // Handled for every point: a life killed before it started rejects `started`.
      started.then(() => cancelled || point === 'startup' || arm(), resolve);
      cleanups.push(() => {
        cancelled = true;
        clearTimeout(timer);
      });
      if (point === 'mid-poll') {
        let left = random.int(1, 4);
        // Killed while the simulator holds the request: the poll never commits.
        cleanups.push(
          sim.onRequest((r) => {
            if (!r.path.endsWith('/forceOrders')) return;
            left -= 1;
            if (left === 0) resolve();
          }),
        );
      } else if (point === 'discord-accepted') {
        // Emitted after the fake created the message and before it answers: the bot never learns it landed.
        const onMessage = () => resolve();
        discord.once('message', onMessage);
        cleanups.push(() => discord.off('message', onMessage));
      } else if (point === 'slack-accepted') {
        // The fake answers in the same turn it records a message, and the bot records its delivery as
        // soon as it reads the answer: killed from inside that turn, before the answer is sent, the bot
        // never learns the message landed, and the next life must find it in the channel's history.
        cleanups.push(
          onSlackAccept(slack, () => {
            void bot?.kill(); // sends SIGKILL now, in this turn
            resolve();
          }),
        );
      }
    });
    return {
      reached,
      cancel: () => {
        for (const cleanup of cleanups) cleanup();
      },
    };
  }

  /** Adds what the exchange does between two kills: a trickle, sometimes a cascade. */
  function tradeOn(random: SeededRandom, created: Set<string>): void {
    const roll = random.next();
    const orders =
      roll < 0.12
        ? sim.addBurst(random.int(6, 18), { spreadMs: 5, market: random.chance(0.7) ? 'cm' : 'um' })
        : roll < 0.7
          ? Array.from({ length: random.int(1, 3) }, () => sim.addOrder({ market: random.chance(0.75) ? 'cm' : 'um' }))
          : [];
    // COIN-M and USD-M ids live in ranges far apart, so the id alone names an order here.
    for (const order of orders) created.add(String(order.orderId));
  }

  async function pendingForSlack(): Promise<Set<string>> {
    const doc = JSON.parse(await readFile(storePath(), 'utf8')) as StoreDocument;
    return new Set(doc.outbox.filter((e) => !e.deliveredTo.includes('slack')).map((e) => String(e.order.orderId)));
  }

  it(`alerts every order at every sink across ${KILLS} SIGKILLs, none twice at Slack or Discord`, async () => {
    const random = new SeededRandom(SEED);
    const created = new Set<string>(); // order ids
    const kills: KillRecord[] = [];
    const startedAt = performance.now();

    // A first life creates the store: orders before it are history, not alerts.
    bot = new BotProcess({ env: env(), command: MAIN });
    await bot.waitForLine((l) => l.msg === 'forcewatch started');
    await bot.kill();

    const points: KillPoint[] = ['startup', 'mid-poll', 'slack-accepted', 'discord-accepted', 'random'];
    for (let i = 0; i < KILLS; i += 1) {
      tradeOn(random, created);
      const point = random.pick(points);
      const slackBefore = slack.messages.length;
      bot = new BotProcess({ env: env(), command: MAIN });
      const started = bot.waitForLine((l) => l.msg === 'forcewatch started');
      const moment = killMoment(point, random, 2_000, started);
      await Promise.race([moment.reached, bot.exited]);
      moment.cancel();
      expect(bot.alive, `run ${i} exited by itself:\n${bot.stderr}`).toBe(true);
      await bot.kill();
      const pending = await pendingForSlack();
      const known = new Set(created);
      const unrecorded = slack.messages
        .slice(slackBefore)
        .map((m) => slackAnnounced(m, known).orderIds)
        .filter((ids) => ids.some((id) => pending.has(id)));
      kills.push({ point, slackUnrecorded: unrecorded });
    }
    const killPhaseMs = performance.now() - startedAt;

    // One more life, left to drain everything.
    tradeOn(random, created);
    const known = new Set(created);
    bot = new BotProcess({ env: env(), command: MAIN });
    const slackAnnouncements = () => slack.messages.map((m) => slackAnnounced(m, known));
    const discordAnnouncements = () => discord.messages.map((m) => discordAnnounced(m, known));
    // Done when every order is named or counted: a backlog built up over many short lives can make a
    // group longer than one message lists ("… and N more"), and those orders are counted, not named.
    const drained = (announced: AnnouncedAlert[]) => mentionsPerOrder(announced).size + countedUnnamed(announced) >= known.size;
    await slack.until(() => drained(slackAnnouncements()));
    while (!drained(discordAnnouncements())) await discord.next('message');
    // main.ts listens for SIGTERM only once started; the drain can finish before that.
    await bot.waitForLine((l) => l.msg === 'forcewatch started');
    await bot.kill('SIGTERM');
    expect((await bot.exited).code).toBe(0);

    const slackMessages = slack.messages.map((m) => slackAnnounced(m, known));
    const discordMessages = discord.messages.map((m) => discordAnnounced(m, known));
    const atDiscord = mentionsPerOrder(discordMessages);
    const atSlack = mentionsPerOrder(slackMessages);
    const twiceAtDiscord = [...atDiscord].filter(([, n]) => n > 1);
    const slackDuplicates = [...atSlack].filter(([, n]) => n > 1);
    const byPoint = Object.fromEntries(points.map((p) => [p, kills.filter((k) => k.point === p).length]));
    const inAcceptRecordGap = kills.filter((k) => k.slackUnrecorded.length > 0).length;
    console.info(
      `chaos: ${KILLS} kills in ${Math.round(killPhaseMs)} ms (${byPoint.startup} startup, ${byPoint['mid-poll']} mid-poll, ` +
        `${byPoint['slack-accepted']} slack-accepted, ${byPoint['discord-accepted']} discord-accepted, ${byPoint.random} random); ` +
        `${known.size} orders; slack ${slack.messages.length} messages, ${slackDuplicates.length} orders announced twice ` +
        `(kills in the accept->record window: ${inAcceptRecordGap} of ${KILLS}); ` +
        `discord ${discord.messages.length} messages, ${twiceAtDiscord.length} orders twice`,
    );

    // Every order named or counted in a group, none of them twice: the orders no message named are
    // exactly as many as the groups counted without naming.
    expect(countedUnnamed(slackMessages)).toBe(known.size - atSlack.size);
    expect(countedUnnamed(discordMessages)).toBe(known.size - atDiscord.size);
    expect(twiceAtDiscord).toEqual([]);
    // Without a kill between Slack accepting a message and the store recording it, "none twice at
    // Slack" below would pass without the resend check ever being needed.
    expect(inAcceptRecordGap, 'kills that landed between Slack accepting a message and the store recording it').toBeGreaterThan(0);
    // Slack has no idempotency key; the outbox's attempt marker plus a look at the channel's history
    // before a resend closes the accept->record window, so no order is announced twice there either.
    expect(kills.every((k) => k.slackUnrecorded.length <= 1)).toBe(true);
    expect(slackDuplicates).toEqual([]);
  }, 400_000);
});

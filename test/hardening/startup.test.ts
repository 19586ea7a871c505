import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PapiSimulator } from '../../src/simulator/PapiSimulator.js';
import { STORE_SCHEMA_VERSION } from '../../src/store/StoreDocument.js';
import { FakeDiscord } from '../fakes/discord/FakeDiscord.js';
import { FakeSlack } from '../fakes/slack/FakeSlack.js';
import { tempDir } from '../pipeline/pipelineHarness.js';
import { BotProcess, type LogLine } from './support/BotProcess.js';
import { binanceEnv } from './support/binanceEnv.js';
import { chatEnv, SLACK_BOT_TOKEN } from './support/chatEnv.js';
import { discordAnnounced, slackAnnounced } from './support/countAlerts.js';
import { HttpSwitch } from './support/HttpSwitch.js';

/**
 * `npm start` as a real process while a chat platform or Binance is down at boot: the other sinks
 * deliver, the missing one joins later, a refused token turns one sink off, and a SIGTERM or a crash
 * at any moment ends in a released lock.
 */

/** A TCP server that accepts connections and never answers: a platform that hangs. */
class Blackhole {
  connections = 0;
  private readonly sockets = new Set<Socket>();
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly server: Server) {
    server.on('connection', (socket) => {
      this.connections += 1;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {});
      for (const wake of [...this.waiters]) wake();
      this.waiters.clear();
    });
  }

  static async open(): Promise<Blackhole> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new Blackhole(server);
  }

  /** `http://127.0.0.1:<port><path>`. */
  url(path = ''): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** Resolves once something has connected. */
  async untilConnected(): Promise<void> {
    while (this.connections === 0) await new Promise<void>((resolve) => this.waiters.add(resolve));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const closers: (() => Promise<void>)[] = [];
const bots: BotProcess[] = [];

afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.kill('SIGKILL');
  for (const close of closers.splice(0).reverse()) await close();
});

/** A simulator with one force order ten minutes old (BACKFILL=1h alerts it), both fakes, and a store dir. */
async function world(options: { slackToken?: string } = {}) {
  const sim = await PapiSimulator.start();
  closers.push(() => sim.close());
  const order = sim.addOrder({ market: 'cm', updateTime: Date.now() - 10 * 60_000, time: Date.now() - 10 * 60_000 });
  const slack = new FakeSlack({ botToken: options.slackToken ?? SLACK_BOT_TOKEN });
  await slack.start();
  closers.push(() => slack.stop());
  const discord = await FakeDiscord.start();
  closers.push(() => discord.close());
  const dir = await tempDir();
  closers.push(dir.cleanup);
  const storePath = join(dir.dir, 'forcewatch.json');
  const env = {
    ...binanceEnv(sim.url, storePath),
    ...chatEnv(slack.apiUrl, discord),
    BINANCE_MARKETS: 'cm',
    BACKFILL: '1h',
    POLL_INTERVAL_MS: '1000',
    LOG_FORMAT: 'json',
  };
  return { sim, order, slack, discord, storePath, lockPath: `${storePath}.lock`, env };
}

function start(env: Record<string, string>, command?: string[]): BotProcess {
  const bot = new BotProcess({ env, command });
  bots.push(bot);
  return bot;
}

/** Order ids (as text) each message named. */
const slackIds = (slack: FakeSlack, known: Set<string>) => slack.messages.flatMap((m) => slackAnnounced(m, known).orderIds);
const discordIds = (discord: FakeDiscord, known: Set<string>) => discord.messages.flatMap((m) => discordAnnounced(m, known).orderIds);

/** Resolves once `condition()` holds, re-checked after every message the fake Discord accepts; rejects if the bot exits first. */
async function untilDiscord(bot: BotProcess, discord: FakeDiscord, condition: () => boolean): Promise<void> {
  const exited = bot.exited.then(({ code }) => {
    throw new Error(`the bot exited (${code}) before Discord got what the test waits for:\n${bot.tail()}`);
  });
  // Once the condition holds, the bot's later (expected) exit must not become an unhandled rejection.
  exited.catch(() => {});
  while (!condition()) await Promise.race([discord.next('message'), exited]);
}

/** SIGTERM, then how long until the process is gone and with what code. */
async function terminate(bot: BotProcess): Promise<{ code: number | null; ms: number }> {
  const sentAt = performance.now();
  bot.kill('SIGTERM').catch(() => {});
  const { code } = await bot.exited;
  return { code, ms: Math.round(performance.now() - sentAt) };
}

const errorLines = (bot: BotProcess): LogLine[] => bot.lines.filter((l) => l.level === 'error');

describe('a chat platform down at boot', () => {
  it('Discord down at boot: Slack gets the first alert, then Discord joins and gets the kept alerts once', async () => {
    const w = await world();
    const door = await HttpSwitch.start(w.discord.apiUrl);
    closers.push(() => door.close());
    await door.set('refuse');
    const bot = start({ ...w.env, DISCORD_API_URL: door.url(w.discord.apiUrl) });
    const first = String(w.order.orderId);
    const known = new Set([first]);

    await w.slack.until(() => slackIds(w.slack, known).includes(first));
    expect(bot.alive).toBe(true);
    expect(w.discord.messages).toEqual([]);
    const unreachable = (l: LogLine) => l.level === 'warn' && l.sink === 'discord' && /unreachable/.test(l.msg ?? '');
    await bot.waitForLine(unreachable);

    // Then Discord answers 500s for a while: still kept, still not blocking Slack.
    await door.set('error500');
    await bot.waitForLine((l) => unreachable(l) && JSON.stringify(l).includes('500'));
    expect(w.discord.messages).toEqual([]);

    await door.set('pass');
    const backAt = performance.now();
    await untilDiscord(bot, w.discord, () => discordIds(w.discord, known).includes(first));
    const keptAfterMs = Math.round(performance.now() - backAt);
    await bot.waitForLine((l) => l.level === 'info' && l.sink === 'discord' && /joined/.test(l.msg ?? ''));

    // A later order reaches both; by then any repeat of the kept one would have been sent.
    const later = w.sim.addOrder({ market: 'cm', updateTime: Date.now(), time: Date.now() });
    known.add(String(later.orderId));
    await w.slack.until(() => slackIds(w.slack, known).includes(String(later.orderId)));
    await untilDiscord(bot, w.discord, () => discordIds(w.discord, known).includes(String(later.orderId)));
    expect(slackIds(w.slack, known)).toEqual([first, String(later.orderId)]);
    expect(discordIds(w.discord, known)).toEqual([first, String(later.orderId)]);
    expect(bot.lines.filter((l) => /joined/.test(l.msg ?? ''))).toHaveLength(1);
    console.info(`Discord down at boot: its kept alert posted ${keptAfterMs} ms after it came back`);

    expect((await terminate(bot)).code).toBe(0);
    expect(existsSync(w.lockPath)).toBe(false);
  }, 60_000);

  it('a refused Slack token: one clear error line naming SLACK_BOT_TOKEN, Slack stays off, Discord still alerts', async () => {
    const w = await world({ slackToken: 'xoxb-1111-2222-thetokenslackknows' });
    const bot = start(w.env);
    const first = String(w.order.orderId);
    const known = new Set([first]);

    await untilDiscord(bot, w.discord, () => discordIds(w.discord, known).includes(first));
    const later = w.sim.addOrder({ market: 'cm', updateTime: Date.now(), time: Date.now() });
    known.add(String(later.orderId));
    await untilDiscord(bot, w.discord, () => discordIds(w.discord, known).includes(String(later.orderId)));

    const naming = bot.lines.filter((l) => JSON.stringify(l).includes('SLACK_BOT_TOKEN'));
    expect(naming).toHaveLength(1);
    expect(naming[0]).toMatchObject({ level: 'error', sink: 'slack' });
    expect(naming[0]!.msg).toMatch(/slack is off: Slack refused SLACK_BOT_TOKEN \(invalid_auth\)/);
    // Asked once, never again, and nothing posted: a refused token is not retried in a loop.
    expect(w.slack.calls.map((c) => c.method)).toEqual(['auth.test']);
    expect(bot.alive).toBe(true);

    expect((await terminate(bot)).code).toBe(0);
    expect(existsSync(w.lockPath)).toBe(false);
    // The alerts Slack missed are kept for it in the store's outbox.
    const store = JSON.parse(await readFile(w.storePath, 'utf8')) as { outbox: { id: string }[] };
    expect(store.outbox.map((a) => a.id)).toEqual([`cm:${first}`, `cm:${later.orderId}`]);
  }, 60_000);
});

describe('SIGTERM during start-up', () => {
  it('while Slack hangs and Discord is not listening: exit 0 within 5 s, store flushed, lock gone', async () => {
    const w = await world();
    const slackHole = await Blackhole.open();
    closers.push(() => slackHole.close());
    const door = await HttpSwitch.start(w.discord.apiUrl);
    closers.push(() => door.close());
    await door.set('refuse');
    const bot = start({ ...w.env, SLACK_API_URL: slackHole.url('/api/'), DISCORD_API_URL: door.url(w.discord.apiUrl) });
    await slackHole.untilConnected();
    expect(existsSync(w.lockPath)).toBe(true);

    const { code, ms } = await terminate(bot);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5_000);
    expect(existsSync(w.lockPath)).toBe(false);
    expect(JSON.parse(await readFile(w.storePath, 'utf8'))).toMatchObject({ version: STORE_SCHEMA_VERSION });
    console.info(`SIGTERM while Slack hangs at start-up: exited ${code} after ${ms} ms`);
  }, 30_000);

  it("while Binance's time sync hangs: exit 0 within 5 s, nothing locked", async () => {
    const w = await world();
    const binanceHole = await Blackhole.open();
    closers.push(() => binanceHole.close());
    const bot = start({ ...w.env, BINANCE_FAPI_URL: binanceHole.url() });
    await binanceHole.untilConnected();

    const { code, ms } = await terminate(bot);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5_000);
    expect(existsSync(w.lockPath)).toBe(false);
    expect(w.slack.messages).toEqual([]);
    console.info(`SIGTERM while Binance's time sync hangs: exited ${code} after ${ms} ms`);
  }, 30_000);
});

/**
 * A real uncaught exception (or unhandled rejection) in a listener of the running bot: a module
 * loaded before main (`--import`) throws from its SIGUSR2 listener, carrying a token in its message.
 */
function crashingCommand(kind: 'throw' | 'reject'): string[] {
  const raise =
    kind === 'throw'
      ? `throw new Error('listener failed with ${SLACK_BOT_TOKEN} in hand')`
      : `Promise.reject(new Error('listener failed with ${SLACK_BOT_TOKEN} in hand'))`;
  const listener = `process.on('SIGUSR2', function injectedListener() { ${raise}; });`;
  return ['--import', 'tsx', '--import', `data:text/javascript,${encodeURIComponent(listener)}`, 'src/main.ts'];
}

describe('an unexpected crash', () => {
  for (const kind of ['throw', 'reject'] as const) {
    it(`${kind === 'throw' ? 'an uncaught exception' : 'an unhandled rejection'} in a listener: one redacted JSON line with the stack, the lock released, exit 1`, async () => {
      const w = await world();
      const bot = start(w.env, crashingCommand(kind));
      await bot.waitForLine((l) => l.msg === 'forcewatch started');
      expect(existsSync(w.lockPath)).toBe(true);

      process.kill(bot.pid!, 'SIGUSR2');
      const { code } = await bot.exited;
      expect(code).toBe(1);
      expect(existsSync(w.lockPath)).toBe(false);
      const [crash, ...others] = errorLines(bot);
      expect(others).toEqual([]);
      expect(crash).toMatchObject({ level: 'error', msg: expect.stringMatching(/crashed/) });
      const error = crash!.error as { message: string; stack: string };
      expect(error.message).toBe('listener failed with [REDACTED] in hand');
      expect(error.stack).toMatch(/injectedListener/);
      expect(bot.stderr).not.toContain(SLACK_BOT_TOKEN);
      // Every line is JSON: no raw stack from Node's default handler.
      expect(
        bot.stderr
          .trim()
          .split('\n')
          .every((line) => line.startsWith('{')),
      ).toBe(true);
    }, 30_000);
  }
});

import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { type ForceOrdersArgs, forceOrdersCommand } from '../../commands/forceOrdersCommand.js';
import { createDiscordAdapter, type DiscordAdapter } from '../../src/discord/createDiscordAdapter.js';
import type { ForceOrdersResult } from '../../src/queries.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/time.js';
import { FakeDiscord, type FakeDiscordOptions, type RecordedInteraction } from '../fakes/discord/FakeDiscord.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { MemoryForceOrderSource } from '../fakes/memoryForceOrderSource.js';
import { singleAccountCommands } from '../fakes/singleAccountCommands.js';
import { commandOption, discordConfigFor, expectNoTokenLogged, interactAndWait, type WatchedLog, watchedLog } from './adapterHarness.js';
import { singleNotification } from './alertFixtures.js';

/**
 * The adapter (discord.js for real) against what Discord's gateway does on its own: drops, RECONNECT,
 * heartbeat requests, INVALID_SESSION, closing a connection that stopped heartbeating, and a packet
 * discord.js cannot read; and against interaction deadlines (3 s, 15 minutes) on a fake clock.
 */

const ARCHIVE_REACH_MS = 14 * DAY_MS;
const orders = Array.from({ length: 10 }, (_, i) =>
  forceOrderFixture({ orderId: 7000 + i, updateTime: Date.UTC(2026, 10, 25, 11) - i * HOUR_MS }),
);

interface Bot {
  fake: FakeDiscord;
  adapter: DiscordAdapter;
  log: WatchedLog;
  clock: FakeClock;
}

let bot: Bot | undefined;
/** The command's answer; a test may hold it back. */
let runCommand: (args: ForceOrdersArgs) => Promise<ForceOrdersResult>;

/** Starts a fake Discord on `clock` and the adapter against it, and waits until the bot is ready. */
async function startBot(options: FakeDiscordOptions = {}): Promise<Bot> {
  const clock = new FakeClock();
  const fake = await FakeDiscord.start({ heartbeatIntervalMs: 1000, now: () => clock.now(), ...options });
  const log = watchedLog();
  const exchange = new MemoryForceOrderSource(orders);
  runCommand = (args) =>
    forceOrdersCommand(args, { exchange, archive: { read: async () => [] }, now: () => clock.now() }, { maxSinceMs: ARCHIVE_REACH_MS });
  const config = discordConfigFor(fake);
  const adapter = createDiscordAdapter({
    config,
    logger: log.logger,
    commands: singleAccountCommands({ forceOrders: (args) => runCommand(args as ForceOrdersArgs) }, { discord: config }),
    maxSinceMs: ARCHIVE_REACH_MS,
    clock,
  });
  await adapter.start();
  bot = { fake, adapter, log, clock };
  return bot;
}

afterEach(async () => {
  if (!bot) return;
  await bot.adapter.stop();
  await bot.fake.close();
  expectNoTokenLogged(bot.fake, bot.log.lines);
  bot = undefined;
});

/** A `/forceorders` from a member with the traders role. */
function command(fake: FakeDiscord, options: ReturnType<typeof commandOption>[] = []): Parameters<FakeDiscord['interact']>[0] {
  return { type: 'command', roles: [fake.traderRoleId], options };
}

/** Rows the answer lists. */
function rows(done: RecordedInteraction): number {
  return (done.original?.embeds ?? []).flatMap((e) => e.fields ?? []).length;
}

describe('Discord adapter when the gateway drops or resets the connection', () => {
  it.each([
    ['a close with 4000', 4000],
    ['a cut connection (1006)', undefined],
  ])('resumes after %s on resume_gateway_url, while alerts keep flowing over REST', async (_label, code) => {
    const { fake, adapter, log } = await startBot();
    const resumed = once(fake.gateway, 'resume');
    fake.gateway.drop(code);
    // While the gateway is down, an alert still goes out.
    await adapter.sink.deliver(singleNotification());
    expect(fake.messages).toHaveLength(1);
    const [resume, viaResumeUrl] = (await resumed) as [Record<string, unknown>, boolean];
    expect(resume.session_id).toBe('session-1');
    expect(viaResumeUrl).toBe(true);
    expect(fake.gateway.identifies).toHaveLength(1);

    // A command typed after the resume is answered.
    await interactAndWait(fake, 'edit', command(fake));
    await log.next('discord gateway disconnected, reconnecting');
    await log.next('discord gateway resumed');
  });

  it('resumes when heartbeats go unanswered (a zombie connection)', async () => {
    const { fake } = await startBot();
    fake.gateway.ackHeartbeats = false;
    fake.gateway.once('connection', () => (fake.gateway.ackHeartbeats = true));
    const [resume] = (await once(fake.gateway, 'resume')) as [Record<string, unknown>];
    expect(resume.session_id).toBe('session-1');
    await interactAndWait(fake, 'edit', command(fake));
  });

  it('identifies anew when the session cannot be resumed', async () => {
    const { fake } = await startBot();
    fake.gateway.forgetSessions();
    const identified = once(fake.gateway, 'identify');
    fake.gateway.drop(4000);
    await identified;
    expect(fake.gateway.resumes).toHaveLength(1);
    expect(fake.gateway.identifies).toHaveLength(2);
    await interactAndWait(fake, 'edit', command(fake));
  });

  it('replays what was dispatched while the connection was down', async () => {
    const { fake } = await startBot();
    const resumed = once(fake.gateway, 'resume');
    fake.gateway.drop(4000);
    const edited = fake.next<RecordedInteraction>('edit');
    // Dispatched while no socket is open: Discord keeps it for the resume.
    fake.interact(command(fake, [commandOption('limit', 3)]));
    await resumed;
    expect(rows(await edited)).toBe(3);
  });
});

describe('Discord adapter when the gateway asks something of it', () => {
  it('resumes on resume_gateway_url after op 7 RECONNECT: the command sent meanwhile and the next are answered, alerts keep flowing', async () => {
    const { fake, adapter, log } = await startBot();
    const resumed = once(fake.gateway, 'resume');
    const closed = once(fake.gateway, 'close');
    fake.gateway.requestReconnect();
    // Dispatched after op 7: it goes out only once the client has resumed.
    const replayed = fake.next<RecordedInteraction>('edit');
    fake.interact(command(fake, [commandOption('limit', 3)]));
    await adapter.sink.deliver(singleNotification());
    expect(fake.messages).toHaveLength(1);

    // The client left the old connection itself (the fake cuts it, 1006, only if it lingers).
    const [code] = (await closed) as [number];
    expect(code).not.toBe(1006);
    const [resume, viaResumeUrl] = (await resumed) as [Record<string, unknown>, boolean];
    expect(resume.session_id).toBe('session-1');
    expect(viaResumeUrl).toBe(true);
    expect(fake.gateway.identifies).toHaveLength(1);
    expect(rows(await replayed)).toBe(3);
    expect(rows(await interactAndWait(fake, 'edit', command(fake, [commandOption('limit', 2)])))).toBe(2);
    await adapter.sink.deliver(singleNotification(forceOrderFixture({ orderId: 2 })));
    expect(fake.messages).toHaveLength(2);
    await log.next('discord gateway resumed');
  });

  it('sends a heartbeat at once, with its last sequence number, when the gateway asks (op 1)', async () => {
    // A ten-minute interval: a heartbeat that arrives now answers the request, not the schedule.
    const { fake } = await startBot({ heartbeatIntervalMs: 10 * MINUTE_MS });
    const sequence = await fake.gateway.requestHeartbeat();
    // READY and GUILD_CREATE were dispatches 1 and 2.
    expect(sequence).toBe(2);
    await interactAndWait(fake, 'edit', command(fake));
  });

  it('resumes the same session after INVALID_SESSION d: true, and gets what was dispatched meanwhile', async () => {
    const { fake } = await startBot();
    const resumed = once(fake.gateway, 'resume');
    fake.gateway.invalidateSession(true);
    const replayed = fake.next<RecordedInteraction>('edit');
    fake.interact(command(fake, [commandOption('limit', 4)]));
    const [resume] = (await resumed) as [Record<string, unknown>];
    expect(resume.session_id).toBe('session-1');
    expect(fake.gateway.identifies).toHaveLength(1);
    expect(rows(await replayed)).toBe(4);
    await interactAndWait(fake, 'edit', command(fake));
  });

  it('identifies anew after INVALID_SESSION d: false, and answers commands on the new session', async () => {
    const { fake } = await startBot();
    const identified = once(fake.gateway, 'identify');
    fake.gateway.invalidateSession(false);
    await identified;
    expect(fake.gateway.identifies).toHaveLength(2);
    expect(fake.gateway.resumes).toHaveLength(0);
    await interactAndWait(fake, 'edit', command(fake));
  });

  it('resumes after the gateway closes a connection whose heartbeats stopped arriving', async () => {
    // Heartbeats every 2 s; the gateway gives up 3 s after the last one it heard, a second before
    // discord.js would itself notice the missing ACK (at its second unanswered beat).
    const { fake, log } = await startBot({ heartbeatIntervalMs: 2000, heartbeatTimeoutMs: 3000 });
    await once(fake.gateway, 'heartbeat');
    fake.gateway.hearHeartbeats = false;
    const timedOut = once(fake.gateway, 'heartbeatTimeout');
    const resumed = once(fake.gateway, 'resume');
    await timedOut;
    fake.gateway.hearHeartbeats = true;
    const [resume, viaResumeUrl] = (await resumed) as [Record<string, unknown>, boolean];
    expect(resume.session_id).toBe('session-1');
    expect(viaResumeUrl).toBe(true);
    await interactAndWait(fake, 'edit', command(fake));
    await log.next('discord gateway resumed');
  });
});

describe('Discord adapter against packets and deadlines it cannot satisfy', () => {
  it('survives an INTERACTION_CREATE without data: logs it without its token at error, answers the next command', async () => {
    const { fake, log } = await startBot();
    const crashes: unknown[] = [];
    const crashed = (error: unknown) => crashes.push(error);
    process.on('unhandledRejection', crashed);
    process.on('uncaughtException', crashed);
    const token = 'aW50ZXJhY3Rpb246bWFsZm9ybWVkOnNlY3JldC10b2tlbi1uZXZlci1sb2c';
    try {
      fake.gateway.dispatch('INTERACTION_CREATE', {
        id: '1000000000000000777',
        application_id: fake.applicationId,
        type: 2,
        token,
        guild_id: fake.guildId,
        channel_id: fake.alertChannelId,
        version: 1,
        entitlements: [],
      });
      expect(rows(await interactAndWait(fake, 'edit', command(fake, [commandOption('limit', 1)])))).toBe(1);
      expect(crashes).toEqual([]);
    } finally {
      process.off('unhandledRejection', crashed);
      process.off('uncaughtException', crashed);
    }
    const line = JSON.parse(await log.next('discord gateway packet dropped')) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'error', event: 'INTERACTION_CREATE', error: 'TypeError' });
    expect(line.fields).toContain('token');
    expectNoTokenLogged(fake, log.lines, [token]);
  });

  it('logs a clear warning, and keeps working, when the answer comes after the 15 minutes an interaction token lives', async () => {
    const { fake, log, clock } = await startBot();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const answer = runCommand;
    runCommand = async (args) => {
      await held;
      return answer(args);
    };
    const deferred = fake.next<RecordedInteraction>('callback');
    const late = fake.interact(command(fake));
    await deferred;
    clock.jump(15 * MINUTE_MS + 1);
    release();
    const line = JSON.parse(await log.next('answer not delivered')) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'warn', interactionId: late.id, status: 401, code: 50027 });
    expect(String(line.msg)).toContain('15 minutes');
    expect(late.original).toBeUndefined();

    runCommand = answer;
    expect(rows(await interactAndWait(fake, 'edit', command(fake, [commandOption('limit', 2)])))).toBe(2);
    expect(log.lines.some((l) => l.includes('"level":"error"'))).toBe(false);
  });

  it('logs a clear warning when a command replayed after a resume is older than the 3 s Discord allows for a first response', async () => {
    const { fake, log, clock } = await startBot();
    const resumed = once(fake.gateway, 'resume');
    fake.gateway.drop(4000);
    const stale = fake.interact(command(fake));
    clock.jump(3001);
    await resumed;
    const line = JSON.parse(await log.next('discord interaction not answered')) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'warn', interactionId: stale.id, status: 404, code: 10062 });
    expect(String(line.msg)).toContain('3 s');
    expect(stale.callbacks).toEqual([]);
    await interactAndWait(fake, 'edit', command(fake));
  });
});

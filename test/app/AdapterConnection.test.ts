import { afterEach, describe, expect, it } from 'vitest';
import { AdapterConnection, type ChatAdapter } from '../../src/app/AdapterConnection.js';
import { createDiscordAdapter } from '../../src/discord/createDiscordAdapter.js';
import { isSinkError, type Notification, SinkError } from '../../src/sinks/Sink.js';
import { createSlackAdapter } from '../../src/slack/createSlackAdapter.js';
import type { SlackConfig } from '../../src/slack/slackConfig.js';
import { discordConfigFor } from '../discord/adapterHarness.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeDiscord } from '../fakes/discord/FakeDiscord.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { RecordingSink } from '../fakes/recordingSink.js';
import { singleAccountCommands } from '../fakes/singleAccountCommands.js';
import { FakeSlack } from '../fakes/slack/FakeSlack.js';

/** An adapter whose checks and connects answer as the test scripts them; unscripted, they pass. */
class ScriptedAdapter implements ChatAdapter {
  readonly sink = new RecordingSink('chat');
  verifies = 0;
  connects = 0;
  stopped = false;
  verifyWith: (signal: AbortSignal) => Promise<void> = async () => {};
  connectWith: (signal: AbortSignal) => Promise<void> = async () => {};

  verify(signal: AbortSignal): Promise<void> {
    this.verifies += 1;
    return this.verifyWith(signal);
  }

  connect(signal: AbortSignal): Promise<void> {
    this.connects += 1;
    return this.connectWith(signal);
  }

  sinkFor(channel: string): RecordingSink {
    return new RecordingSink(`chat:${channel}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}

const unreachable = () => Promise.reject(new SinkError('chat unreachable: connect ECONNREFUSED', { retryable: true, reason: 'network' }));
const refused = () =>
  Promise.reject(
    new SinkError('Chat refused CHAT_TOKEN (invalid_auth): set CHAT_TOKEN to a valid token', { retryable: false, reason: 'auth' }),
  );
/** A check that never answers, as a platform that hangs; it ends when its signal aborts. */
const hanging = (signal: AbortSignal) =>
  new Promise<void>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

const order = forceOrderFixture();
const alert: Notification = { type: 'single', key: 'cm:1', alert: { id: 'cm:1', order } };

/** A connection to `adapter` on a fake clock, started, once its first attempt has ended (unless `signal` is given). */
async function started(adapter: ChatAdapter, signal?: AbortSignal) {
  const clock = new FakeClock();
  const log = captureLogger();
  // random 1: equal jitter at its top, so every delay is the ceiling itself.
  const connected = new AdapterConnection({ adapter, logger: log.logger, clock, retry: { random: () => 1 } });
  const lines = () => log.lines.map((l) => JSON.parse(l) as Record<string, unknown> & { msg: string; level: string });
  connected.start(signal);
  if (!signal) await connected.firstAttempt;
  return { clock, connected, lines };
}

/** The delivery's failure (or undefined when it went through). */
async function failureOf(delivery: Promise<void>): Promise<SinkError | undefined> {
  return delivery.then(
    () => undefined,
    (error: unknown) => {
      if (!isSinkError(error)) throw error;
      return error;
    },
  );
}

describe('AdapterConnection', () => {
  it('retries an unreachable platform 1 s doubling to a minute, while deliveries fail as retryable without reaching it', async () => {
    const adapter = new ScriptedAdapter();
    adapter.verifyWith = unreachable;
    const { clock, connected, lines } = await started(adapter);
    expect(connected.status).toBe('verifying');

    for (let i = 0; i < 8; i += 1) {
      await clock.untilSleeping(1);
      const waits = lines().filter((l) => /unreachable; forcewatch runs without it/.test(l.msg));
      await clock.advance(waits.at(-1)!.retryInMs as number);
    }
    const delays = lines()
      .filter((l) => /unreachable; forcewatch runs without it/.test(l.msg))
      .map((l) => l.retryInMs);
    expect(delays.slice(0, 9)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(adapter.verifies).toBe(9);

    const failure = await failureOf(connected.sink.deliver(alert));
    expect(failure).toMatchObject({ retryable: true, message: 'chat is not connected yet: chat unreachable: connect ECONNREFUSED' });
    expect(adapter.sink.received).toEqual([]);
    expect(adapter.connects).toBe(0);
    await connected.stop();
  });

  it('a delivery during the backoff checks again at once, and goes through when the platform is back; joined is said once', async () => {
    const adapter = new ScriptedAdapter();
    adapter.verifyWith = unreachable;
    const { clock, connected, lines } = await started(adapter);
    await clock.untilSleeping(1);
    const before = clock.now();

    adapter.verifyWith = async () => {};
    await connected.sink.deliver(alert);
    expect(clock.now()).toBe(before); // not at the end of the backoff: at once
    expect(adapter.verifies).toBe(2);
    expect(adapter.sink.received).toEqual([alert]);
    expect(connected.status).toBe('verified');
    await connected.sink.deliver(alert);
    expect(adapter.verifies).toBe(2);
    expect(lines().filter((l) => /joined/.test(l.msg))).toEqual([expect.objectContaining({ level: 'info', sink: 'chat', attempts: 2 })]);
    await connected.stop();
  });

  it('a refused token is said once, naming the setting; never checked again; deliveries refused without reaching the platform', async () => {
    const adapter = new ScriptedAdapter();
    adapter.verifyWith = refused;
    const { clock, connected, lines } = await started(adapter);
    expect(connected.status).toBe('off');

    const failures = [await failureOf(connected.sink.deliver(alert)), await failureOf(connected.sink.deliver(alert))];
    await clock.advance(3_600_000);
    expect(failures.map((f) => f?.retryable)).toEqual([false, false]);
    expect(failures[0]!.message).not.toContain('CHAT_TOKEN'); // repeated by the dispatcher at every retry
    expect(adapter.verifies).toBe(1);
    expect(adapter.connects).toBe(0);
    expect(clock.pending).toBe(0);
    expect(adapter.sink.received).toEqual([]);
    const naming = lines().filter((l) => JSON.stringify(l).includes('CHAT_TOKEN'));
    expect(naming).toEqual([
      expect.objectContaining({ level: 'error', sink: 'chat', msg: expect.stringMatching(/^chat is off: Chat refused CHAT_TOKEN/) }),
    ]);
    await connected.stop();
  });

  it('a front end that cannot connect holds no alert back, and is retried', async () => {
    const adapter = new ScriptedAdapter();
    adapter.connectWith = unreachable;
    const { clock, connected, lines } = await started(adapter);

    await connected.sink.deliver(alert);
    expect(adapter.sink.received).toEqual([alert]);
    await clock.untilSleeping(1);
    await clock.advance(1_000);
    await clock.untilSleeping(1);
    expect(adapter.connects).toBe(2);
    expect(lines().filter((l) => /commands could not connect/.test(l.msg))).toHaveLength(2);
    await connected.stop();
  });

  it('a shutdown during a check that hangs ends it at once and releases the delivery waiting for it', async () => {
    const adapter = new ScriptedAdapter();
    adapter.verifyWith = hanging;
    const shutdown = new AbortController();
    const { connected } = await started(adapter, shutdown.signal);
    const waiting = failureOf(connected.sink.deliver(alert));

    shutdown.abort('SIGTERM');
    await connected.firstAttempt;
    expect(await waiting).toMatchObject({ retryable: true });
    await connected.stop();
    expect(adapter.stopped).toBe(true);
    expect(adapter.verifies).toBe(1);
    expect(adapter.sink.received).toEqual([]);
  });
});

describe('AdapterConnection with the real adapters, against the fakes', () => {
  const BOT_TOKEN = 'xoxb-5555-6666-connectiontestbot';
  const APP_TOKEN = 'xapp-1-A0FORCEWATCH-7777-connectiontestapp';
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function slackWith(connection: SlackConfig['connection']) {
    const slack = new FakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
    await slack.start();
    closers.push(() => slack.stop());
    const config: SlackConfig = {
      botToken: BOT_TOKEN,
      alertChannel: 'C0ALERTS',
      connection,
      apiUrl: slack.apiUrl,
      allowedUsers: [],
      allowedChannels: [],
    };
    return { slack, adapter: createSlackAdapter({ config, logger: captureLogger().logger, commands: singleAccountCommands({}, {}) }) };
  }

  it('Slack says token_revoked: off after one auth.test, the line names SLACK_BOT_TOKEN, nothing posted', async () => {
    const { slack, adapter } = await slackWith({ mode: 'http', signingSecret: 'connection0test0signing0secret00', port: 0 });
    slack.failNext('auth.test', { error: 'token_revoked' });
    const { connected, lines } = await started(adapter);
    closers.push(() => connected.stop());

    expect(connected.status).toBe('off');
    expect(await failureOf(connected.sink.deliver(alert))).toMatchObject({ retryable: false });
    expect(slack.calls.map((c) => c.method)).toEqual(['auth.test']);
    const [refusal, ...more] = lines().filter((l) => l.level === 'error');
    expect(more).toEqual([]);
    expect(refusal!.msg).toMatch(
      /^slack is off: Slack refused SLACK_BOT_TOKEN \(token_revoked\): the token was revoked; .*restart forcewatch/,
    );
  });

  it('a refused SLACK_APP_TOKEN turns only the commands off: alerts still go out', async () => {
    const { slack, adapter } = await slackWith({ mode: 'socket', appToken: 'xapp-1-A0FORCEWATCH-0000-notthetokenslackknows' });
    const { connected, lines } = await started(adapter);
    closers.push(() => connected.stop());

    expect(connected.status).toBe('verified');
    await connected.sink.deliver(alert);
    expect(slack.messages).toHaveLength(1);
    expect(lines().filter((l) => /commands are off/.test(l.msg))).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: expect.stringMatching(/Slack refused SLACK_APP_TOKEN \(invalid_auth\).*Alerts still go out/),
      }),
    ]);
  });

  it('Discord answers 401: off after one request, the line names DISCORD_TOKEN, no gateway login', async () => {
    const discord = await FakeDiscord.start();
    closers.push(() => discord.close());
    const config = discordConfigFor(discord, { DISCORD_TOKEN: 'MTAwMDAwMDAwMDAwMDAwMDAx.GfAkEd.not-the-token-discord-knows' });
    const adapter = createDiscordAdapter({
      config,
      logger: captureLogger().logger,
      commands: singleAccountCommands({}, {}),
      maxSinceMs: 1,
    });
    const { connected, lines } = await started(adapter);
    closers.push(() => connected.stop());

    expect(connected.status).toBe('off');
    expect(await failureOf(connected.sink.deliver(alert))).toMatchObject({ retryable: false });
    expect(discord.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([`GET /channels/${discord.alertChannelId} 401`]);
    expect(discord.gateway.identifies).toEqual([]);
    expect(lines().filter((l) => l.level === 'error')).toEqual([
      expect.objectContaining({ msg: expect.stringMatching(/^discord is off: .*set DISCORD_TOKEN to the bot's current token/) }),
    ]);
  });
});

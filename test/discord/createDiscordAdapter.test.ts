import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ForceOrdersArgs, forceOrdersCommand } from '../../commands/forceOrdersCommand.js';
import { BOT_PERMISSIONS, createDiscordAdapter, type DiscordAdapter, inviteUrl } from '../../src/discord/createDiscordAdapter.js';
import type { DiscordConfig } from '../../src/discord/DiscordConfig.js';
import { KIND_COLOUR } from '../../src/discord/renderDiscord.js';
import type { ForceOrdersResult } from '../../src/queries.js';
import { DAY_MS, formatTime } from '../../src/time.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeDiscord, type RecordedInteraction } from '../fakes/discord/FakeDiscord.js';
import { resolveMentions } from '../fakes/discord/validateMessage.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { MemoryForceOrderSource } from '../fakes/memoryForceOrderSource.js';
import { singleAccountCommands } from '../fakes/singleAccountCommands.js';
import { commandOption, discordConfigFor, expectNoTokenLogged, interactAndWait } from './adapterHarness.js';
import { singleNotification } from './alertFixtures.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
/** ARCHIVE_DAYS=14: how far back the bot's archive, and so /forceorders, reaches. */
const ARCHIVE_REACH_MS = 14 * DAY_MS;
const EPHEMERAL = 64;
const CALLBACK_MESSAGE = 4;
const CALLBACK_DEFERRED = 5;

let fake: FakeDiscord;
let adapter: DiscordAdapter;
let log: ReturnType<typeof captureLogger>;
/** Every set of arguments the adapter handed to the command, in order. */
let asked: ForceOrdersArgs[];
let commandOverride: ((args: ForceOrdersArgs) => Promise<ForceOrdersResult>) | undefined;

const orders = [
  ...Array.from({ length: 30 }, (_, i) =>
    forceOrderFixture({ orderId: 5000 + i, kind: i % 5 === 0 ? 'ADL' : 'LIQUIDATION', updateTime: NOW - (i + 1) * 3_600_000 }),
  ),
  // A delivery settlement two days back: outside every 24 h query here, inside a 7-day one.
  forceOrderFixture({ orderId: 6000, kind: 'SETTLEMENT', symbol: 'BTCUSD_261225', updateTime: NOW - 40 * 3_600_000 }),
];

/** Dispatches an interaction and resolves once the fake saw `event` for it. */
function interaction(event: 'edit' | 'callback' | 'followUp', input: Parameters<FakeDiscord['interact']>[0]): Promise<RecordedInteraction> {
  return interactAndWait(fake, event, input);
}

function configFor(env: Record<string, string> = {}): DiscordConfig {
  return discordConfigFor(fake, env);
}

beforeEach(async () => {
  fake = await FakeDiscord.start();
  log = captureLogger();
  asked = [];
  commandOverride = undefined;
  const exchange = new MemoryForceOrderSource(orders);
  adapter = createDiscordAdapter({
    config: configFor(),
    logger: log.logger,
    commands: singleAccountCommands(
      {
        forceOrders: (input) => {
          const args = input as ForceOrdersArgs;
          asked.push(args);
          const deps = { exchange, archive: { read: async () => [] }, now: () => NOW };
          return commandOverride ? commandOverride(args) : forceOrdersCommand(args, deps, { maxSinceMs: ARCHIVE_REACH_MS });
        },
        knownSymbols: () => ['BTCUSD_PERP', 'BTCUSD_261225', 'ETHUSD_PERP', ...Array.from({ length: 40 }, (_, i) => `BTC${i}USD_PERP`)],
      },
      { discord: configFor() },
    ),
    mentionNotionalUsd: '1000',
    maxSinceMs: ARCHIVE_REACH_MS,
  });
  await adapter.start();
});

afterEach(async () => {
  await adapter.stop();
  await fake.close();
  expectNoTokenLogged(fake, log.lines);
});

describe('Discord adapter against the fake Discord', () => {
  it('connects with only the Guilds intent, the gateway URL taken from /gateway/bot', () => {
    expect(fake.requests.some((r) => r.method === 'GET' && r.path === '/gateway/bot')).toBe(true);
    expect(fake.gateway.identifies).toHaveLength(1);
    expect(fake.gateway.identifies[0]!.intents).toBe(1);
  });

  it('checks at start that the bot can reach the alert channel, and says what to fix if not', async () => {
    expect(fake.requests.some((r) => r.method === 'GET' && r.path === `/channels/${fake.alertChannelId}` && r.status === 200)).toBe(true);
    expect(log.lines.some((l) => l.includes('alert channel check failed'))).toBe(false);

    fake.hideChannel(fake.alertChannelId);
    const blind = createDiscordAdapter({
      config: configFor(),
      logger: log.logger,
      commands: singleAccountCommands({}, {}),
      maxSinceMs: ARCHIVE_REACH_MS,
    });
    await blind.start();
    await blind.stop();
    const line = log.lines.find((l) => l.includes('alert channel check failed'));
    expect(line).toContain('"level":"error"');
    expect(line).toContain('View Channel');
  });

  it('defers /forceorders privately at once, then edits in the answer', async () => {
    const done = await interaction('edit', {
      type: 'command',
      roles: [fake.traderRoleId],
      options: [
        commandOption('symbol', 'BTCUSD_PERP'),
        commandOption('type', 'liquidation'),
        commandOption('since', '7d'),
        commandOption('limit', 5),
      ],
    });

    expect(asked).toEqual([{ target: 'BTCUSD_PERP', kind: 'liquidation', since: '7d', rows: 5 }]);
    expect(done.callbacks).toHaveLength(1);
    expect(done.callbacks[0]).toMatchObject({ type: CALLBACK_DEFERRED, data: { flags: EPHEMERAL } });
    expect(done.callbacks[0]!.afterMs).toBeLessThan(3000);
    const embeds = done.original!.embeds!;
    expect(embeds[0]!.title).toContain('BTCUSD\\_PERP'); // markdown-escaped
    expect(embeds[0]!.description).toContain('24 matched');
    expect(embeds[0]!.description).toContain('Showing the newest 5 of 24');
    const listed = embeds.flatMap((e) => e.fields ?? []);
    expect(listed).toHaveLength(5);
    expect(listed.every((f) => f.name.startsWith('LIQUIDATION BTCUSD\\_PERP'))).toBe(true);
    expect(listed[0]!.value).toContain('order 5001');
    expect(done.original!.allowed_mentions).toEqual({ parse: [] });
  });

  it('hands the options over typed, each value whole: a space inside one adds no kind, and type all filters nothing', async () => {
    const smuggled = await interaction('edit', {
      type: 'command',
      roles: [fake.traderRoleId],
      options: [commandOption('symbol', 'BTCUSD adl')],
    });
    expect(asked).toEqual([{ target: 'BTCUSD adl' }]);
    expect(smuggled.original!.content).toContain('Unknown word');
    expect(smuggled.original!.embeds ?? []).toEqual([]);

    const all = await interaction('edit', {
      type: 'command',
      roles: [fake.traderRoleId],
      options: [commandOption('type', 'all'), commandOption('since', ' 24 h '), commandOption('public', false)],
    });
    expect(asked[1]).toEqual({ kind: 'all', since: ' 24 h ', public: false });
    expect(all.callbacks[0]).toMatchObject({ type: CALLBACK_DEFERRED, data: { flags: EPHEMERAL } });
    const description = all.original!.embeds![0]!.description!;
    expect(description).toMatch(/\([1-9]\d* liquidations, [1-9]\d* ADL\)/);
    expect(description).toContain(`From ${formatTime(NOW - DAY_MS)} to ${formatTime(NOW)}`);
  });

  it('answers type settlement with the settlement closes alone, shown and counted as SETTLEMENT', async () => {
    const done = await interaction('edit', {
      type: 'command',
      roles: [fake.traderRoleId],
      options: [commandOption('type', 'settlement'), commandOption('since', '7d')],
    });
    expect(asked).toEqual([{ kind: 'settlement', since: '7d' }]);
    const embeds = done.original!.embeds!;
    expect(embeds[0]!.title).toContain('settlements (delivery/delisting) only');
    expect(embeds[0]!.description).toContain('**1 matched** (0 liquidations, 0 ADL, 1 settlement)');
    expect(embeds[0]!.color).toBe(KIND_COLOUR.SETTLEMENT);
    expect(embeds.flatMap((e) => e.fields ?? []).map((f) => f.name)).toEqual([expect.stringMatching(/^SETTLEMENT BTCUSD\\_261225 /)]);
  });

  it('defers in the channel when public was asked for', async () => {
    const done = await interaction('edit', { type: 'command', roles: [fake.traderRoleId], options: [commandOption('public', true)] });
    expect(asked).toEqual([{ public: true }]);
    expect(done.callbacks[0]!.type).toBe(CALLBACK_DEFERRED);
    expect(Number(done.callbacks[0]!.data?.flags ?? 0) & EPHEMERAL).toBe(0);
    expect(done.original!.embeds!.flatMap((e) => e.fields ?? [])).toHaveLength(20);
  });

  it('autocompletes symbols the account has seen, filtered by what was typed, at most 25', async () => {
    const done = await interaction('callback', {
      type: 'autocomplete',
      roles: [fake.traderRoleId],
      options: [commandOption('symbol', 'btc', true)],
    });
    const choices = done.callbacks[0]!.data!.choices as { name: string; value: string }[];
    expect(done.callbacks[0]!.type).toBe(8);
    expect(choices).toHaveLength(25);
    expect(choices.every((c) => c.value.startsWith('BTC'))).toBe(true);

    const eth = await interaction('callback', {
      type: 'autocomplete',
      roles: [fake.traderRoleId],
      options: [commandOption('symbol', 'eth', true)],
    });
    expect(eth.callbacks[0]!.data!.choices).toEqual([{ name: 'ETHUSD_PERP', value: 'ETHUSD_PERP' }]);
  });

  it('refuses a member without an allowed role outside the allowed channels, politely and privately', async () => {
    const done = await interaction('callback', {
      type: 'command',
      roles: [],
      channelId: fake.otherChannelId,
      options: [commandOption('symbol', 'BTCUSD')],
    });
    expect(done.callbacks[0]).toMatchObject({ type: CALLBACK_MESSAGE, data: { flags: EPHEMERAL } });
    expect(done.callbacks[0]!.data!.content).toMatch(/^Sorry/);
    expect(asked).toEqual([]);

    const suggest = await interaction('callback', {
      type: 'autocomplete',
      roles: [],
      channelId: fake.otherChannelId,
      options: [commandOption('symbol', 'BTC', true)],
    });
    expect(suggest.callbacks[0]!.data!.choices).toEqual([]);
  });

  it('lets anyone run it in the alert channel, and role holders anywhere', async () => {
    await interaction('edit', { type: 'command', roles: [], channelId: fake.alertChannelId, options: [] });
    await interaction('edit', { type: 'command', roles: [fake.traderRoleId], channelId: fake.otherChannelId, options: [] });
    expect(asked).toEqual([{}, {}]);
  });

  it('lets nothing typed ping anyone, and shows it inert', async () => {
    const done = await interaction('edit', {
      type: 'command',
      roles: [fake.traderRoleId],
      options: [commandOption('symbol', '@everyone'), commandOption('since', `<@&${fake.pingRoleId}>`)],
    });
    const answer = done.original!;
    expect(answer.allowed_mentions).toEqual({ parse: [] });
    expect(resolveMentions(answer)).toEqual({ everyone: false, roles: [], users: [] });
    expect(answer.content).toContain('Usage: /forceorders');
    expect(answer.content).not.toContain('@everyone');
    expect(answer.content).not.toContain(`<@&${fake.pingRoleId}>`);
    expect(answer.embeds ?? []).toEqual([]);
  });

  it('answers bad input privately even when public was asked for', async () => {
    const done = await interaction('followUp', {
      type: 'command',
      roles: [fake.traderRoleId],
      options: [commandOption('symbol', 'NOPE'), commandOption('public', true)],
    });
    expect(done.originalDeleted).toBe(true);
    expect(done.followUps).toHaveLength(1);
    expect((done.followUps[0]!.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    expect(done.followUps[0]!.content).toContain('Unknown word');
    expect(done.followUps[0]!.allowed_mentions).toEqual({ parse: [] });
  });

  it('with several instances, answers only the interactions this instance claims, and claims before anything else', async () => {
    await adapter.stop();
    const claimed: string[] = [];
    /** Interactions another instance won. */
    const lostToAnother = new Set<string>();
    const commands = singleAccountCommands(
      { forceOrders: async () => ({ ok: false, reason: 'input', error: 'not run', usage: 'u' }) },
      { discord: configFor() },
    );
    adapter = createDiscordAdapter({
      config: configFor(),
      logger: log.logger,
      commands: {
        ...commands,
        claim: async (platform, id) => {
          claimed.push(`${platform}:${id}`);
          return !lostToAnother.has(id);
        },
      },
      maxSinceMs: ARCHIVE_REACH_MS,
    });
    await adapter.start();
    // Marked before the gateway can deliver it: the dispatch reaches the bot on a later turn of the event loop.
    const lost = fake.interact({ type: 'command', roles: [fake.traderRoleId], options: [] });
    lostToAnother.add(lost.id);
    const won = await interaction('callback', { type: 'command', roles: [fake.traderRoleId], options: [] });
    expect(claimed.sort()).toEqual([`discord:${lost.id}`, `discord:${won.id}`].sort());
    expect(won.callbacks).toHaveLength(1);
    expect(lost.callbacks).toEqual([]);
  });

  it('answers a failing query with a clear private error', async () => {
    commandOverride = async () => {
      throw new Error('socket hang up');
    };
    const done = await interaction('edit', { type: 'command', roles: [fake.traderRoleId], options: [] });
    expect(done.original!.content).toContain('Could not get force orders right now');
    expect(done.original!.content).not.toContain('socket hang up');
  });

  it('states the configured archive reach under a failed query, as the command does under a refused window', async () => {
    commandOverride = async () => {
      throw new Error('socket hang up');
    };
    const failed = await interaction('edit', { type: 'command', roles: [fake.traderRoleId], options: [] });
    expect(failed.original!.content).toContain('up to 14d]');
    expect(failed.original!.content).not.toContain('90d');

    commandOverride = undefined;
    const refused = await interaction('edit', { type: 'command', roles: [fake.traderRoleId], options: [commandOption('since', '30d')] });
    expect(refused.original!.content).toContain('at most 14d');
    expect(refused.original!.content).toContain('up to 14d]');
  });

  it('pings the mention role only at or above the notional threshold', async () => {
    const withRole = createDiscordAdapter({
      config: configFor({ DISCORD_MENTION_ROLE_ID: fake.pingRoleId }),
      logger: log.logger,
      commands: singleAccountCommands({}, {}),
      maxSinceMs: ARCHIVE_REACH_MS,
      mentionNotionalUsd: '1000',
    });
    await withRole.sink.deliver(singleNotification(forceOrderFixture({ orderId: 1, notionalUsd: '999.99' })));
    await withRole.sink.deliver(singleNotification(forceOrderFixture({ orderId: 2, notionalUsd: '1000' })));
    await withRole.stop();
    expect(fake.messages.map((m) => m.pinged)).toEqual([
      { everyone: false, roles: [], users: [] },
      { everyone: false, roles: [fake.pingRoleId], users: [] },
    ]);
  });

  it('still delivers alerts after stop(), for a pipeline draining its outbox', async () => {
    await adapter.stop();
    await adapter.sink.deliver(singleNotification());
    expect(fake.messages).toHaveLength(1);
    expect(fake.gateway.connected).toBe(false);
  });

  it('refuses a threshold that is not a plain decimal at creation, not at the first alert', () => {
    expect(() =>
      createDiscordAdapter({
        config: configFor(),
        logger: log.logger,
        commands: singleAccountCommands({}, {}),
        maxSinceMs: ARCHIVE_REACH_MS,
        mentionNotionalUsd: '50k',
      }),
    ).toThrow(/mentionNotionalUsd/);
  });
});

describe('inviteUrl', () => {
  it('asks for bot + applications.commands with View Channel, Send Messages, Embed Links and Read Message History only', () => {
    const url = new URL(inviteUrl(fake.applicationId));
    expect(BOT_PERMISSIONS).toBe(84992n);
    expect(url.searchParams.get('permissions')).toBe('84992');
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    expect(url.searchParams.get('client_id')).toBe(fake.applicationId);
  });
});

import { REST } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { riskCommand } from '../../commands/riskCommand.js';
import { registerCommands } from '../../src/discord/commands.js';
import { createDiscordAdapter, type DiscordAdapter } from '../../src/discord/createDiscordAdapter.js';
import { discordRestOptions } from '../../src/discord/DiscordConfig.js';
import { type ForceOrdersReply, renderRiskAnswers } from '../../src/discord/renderDiscord.js';
import type { RiskResult } from '../../src/queries.js';
import { type Harness, startHarness } from '../binance/harness.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeDiscord } from '../fakes/discord/FakeDiscord.js';
import { validateMessage } from '../fakes/discord/validateMessage.js';
import { riskResultFixture } from '../fakes/riskResultFixture.js';
import { singleAccountCommands } from '../fakes/singleAccountCommands.js';
import { commandOption, discordConfigFor, expectNoTokenLogged, interactAndWait } from './adapterHarness.js';

/** One account's answer, as a channel with one account gets it. */
function renderRiskReply(result: RiskResult): ForceOrdersReply {
  return renderRiskAnswers([{ account: 'main', result }]);
}

const EPHEMERAL = 64;
const CALLBACK_MESSAGE = 4;
const CALLBACK_DEFERRED = 5;

let fake: FakeDiscord;
let h: Harness;
let adapter: DiscordAdapter;
let log: ReturnType<typeof captureLogger>;
let fail: Error | undefined;

beforeEach(async () => {
  h = await startHarness();
  h.sim.risk.set({ status: 'FORCE_LIQUIDATION', uniMMR: '1.02', accountEquity: '10200' });
  h.sim.adl.set([
    { market: 'cm', symbol: 'BTCUSD_PERP', positionSide: 'BOTH', quantile: 3 },
    { market: 'um', symbol: 'ETHUSDT', positionSide: 'SHORT', quantile: 4, crossed: true },
  ]);
  fail = undefined;
  fake = await FakeDiscord.start();
  log = captureLogger();
  const deps = { account: h.client.account(), markets: ['cm', 'um'] as const, now: () => Date.now() };
  const config = discordConfigFor(fake);
  adapter = createDiscordAdapter({
    config,
    logger: log.logger,
    commands: singleAccountCommands(
      {
        risk: async (args) => {
          if (fail) throw fail;
          return riskCommand(args, deps);
        },
      },
      { discord: config },
    ),
    maxSinceMs: 90 * 86_400_000,
  });
  await adapter.start();
});

afterEach(async () => {
  await adapter.stop();
  await fake.close();
  expectNoTokenLogged(fake, log.lines);
});

/** `/risk` as a member with `roles` in `channelId` types it. */
function risk(event: 'edit' | 'callback' | 'followUp', input: { roles?: string[]; channelId?: string; isPublic?: boolean } = {}) {
  return interactAndWait(fake, event, {
    type: 'command',
    commandName: 'risk',
    roles: input.roles ?? [fake.traderRoleId],
    ...(input.channelId !== undefined && { channelId: input.channelId }),
    options: input.isPublic === undefined ? [] : [commandOption('public', input.isPublic)],
  });
}

describe('/risk on Discord, through the fake Discord against the simulator', () => {
  it('defers privately at once, then edits in the status, the figures and each position riskiest first', async () => {
    const done = await risk('edit');
    expect(done.callbacks[0]).toMatchObject({ type: CALLBACK_DEFERRED, data: { flags: EPHEMERAL } });
    expect(done.callbacks[0]!.afterMs).toBeLessThan(3000);
    const [head] = done.original!.embeds!;
    expect(head!.title).toBe('main · Account risk: FORCE_LIQUIDATION');
    expect(head!.color).toBe(0xd93f3f);
    expect(head!.description).toContain('Force liquidation: Binance is liquidating the account.');
    expect(head!.description).toContain('**uniMMR:** 1.02');
    expect(head!.description).toContain('**Maintenance margin (USD):** 10,000');
    expect(head!.description).toContain('Binance weight 30');
    expect(head!.fields!.map((f) => [f.name, f.value])).toEqual([
      ['ETHUSDT (USD-M)', 'ADL 4 · LONG 4, SHORT 4 (crossed hedge mode)'],
      ['BTCUSD\\_PERP (COIN-M)', 'ADL 3 · LONG 0, SHORT 0, BOTH 3'],
    ]);
    expect(done.original!.allowed_mentions).toEqual({ parse: [] });
  });

  it('answers in the channel when public was asked for', async () => {
    const done = await risk('edit', { isPublic: true });
    expect(done.callbacks[0]!.type).toBe(CALLBACK_DEFERRED);
    expect(((done.callbacks[0]!.data?.flags as number | undefined) ?? 0) & EPHEMERAL).toBe(0);
  });

  it('refuses a member without an allowed role outside the allowed channels, as /forceorders does, without asking Binance', async () => {
    const asked = h.sim.requests.length;
    const done = await risk('callback', { roles: [], channelId: fake.otherChannelId });
    expect(done.callbacks[0]).toMatchObject({ type: CALLBACK_MESSAGE, data: { flags: EPHEMERAL } });
    expect(done.callbacks[0]!.data!.content).toBe(
      'Sorry, /risk is limited to members with an allowed role or to the alert channel. Ask a server admin if you need access.',
    );
    expect(h.sim.requests).toHaveLength(asked);
    // Anyone in the alert channel, a role holder anywhere.
    await risk('edit', { roles: [], channelId: fake.alertChannelId });
    await risk('edit', { roles: [fake.traderRoleId], channelId: fake.otherChannelId });
    expect(h.sim.requests).toHaveLength(asked + 6);
  });

  it('gives a clear short answer, privately even when public was asked for, when Binance refuses', async () => {
    h.sim.injectFault({
      type: 'binanceError',
      code: -2015,
      msg: 'Invalid API-key, IP, or permissions for action.',
      status: 401,
      path: '/papi/v1/account',
    });
    const done = await risk('followUp', { isPublic: true });
    expect(done.originalDeleted).toBe(true);
    expect((done.followUps[0]!.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    expect(done.followUps[0]!.content).toContain('Binance rejected the API key');
    expect(done.followUps[0]!.content).toContain('Usage: /risk [public]');
    expect(done.followUps[0]!.content).not.toContain('Invalid API-key');
  });

  it('apologises privately when the command itself throws, and logs why', async () => {
    fail = new Error('wiring broke');
    const done = await risk('edit');
    expect(done.original!.content).toContain("Could not read the account's risk right now");
    expect(done.original!.content).not.toContain('wiring broke');
    expect(log.lines.some((l) => l.includes('discord /risk query threw') && l.includes('wiring broke'))).toBe(true);
  });
});

describe('/risk registration and rendering', () => {
  it('registers /risk beside /forceorders, guild-only with an optional public option, accepted by the fake', async () => {
    const rest = new REST(discordRestOptions(fake.apiUrl)).setToken(fake.token);
    try {
      const registered = await registerCommands(
        { token: fake.token, applicationId: fake.applicationId, guildId: fake.guildId, apiUrl: fake.apiUrl },
        { rest },
      );
      expect(registered.commands.map((c) => c.name)).toEqual(['forceorders', 'risk']);
    } finally {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    }
    const risk = fake.commandPuts[0]!.body.find((c) => c.name === 'risk');
    expect(risk).toMatchObject({ default_member_permissions: '1024', dm_permission: false, contexts: [0], integration_types: [0] });
    expect(risk!.options!.map((o) => [o.name, o.type, o.required ?? false])).toEqual([
      ['account', 3, false],
      ['public', 5, false],
    ]);
  });

  it('stays within every embed limit with hundreds of positions, and says how many it left out', () => {
    const reply = renderRiskReply(riskResultFixture(600, { note: 'x'.repeat(5000) }));
    if (!reply.ok) throw new Error('expected embeds');
    expect(validateMessage({ embeds: reply.embeds }, { requireContentOrEmbeds: true })).toEqual([]);
    const listed = reply.embeds.flatMap((e) => e.fields ?? []).length;
    expect(listed).toBeGreaterThan(20);
    expect(reply.embeds.at(-1)!.footer!.text).toContain(`…and ${600 - listed} more positions`);
  });
});

describe('renderRiskAnswers', () => {
  it.each([1, 3, 12])('puts %i accounts’ /risk answers in one reply within every embed limit, each account named', (count) => {
    const answers = Array.from({ length: count }, (_, i) => ({
      account: `desk-${i}`,
      result: riskResultFixture(600, { note: 'x'.repeat(5000) }),
    }));
    const reply = renderRiskAnswers(answers);
    if (!reply.ok) throw new Error('expected embeds');
    expect(validateMessage({ embeds: reply.embeds }, { requireContentOrEmbeds: true })).toEqual([]);
    const titles = reply.embeds.flatMap((e) => (e.title ? [e.title] : []));
    const inFull = count > 10 ? 9 : count;
    expect(titles.slice(0, inFull)).toEqual(answers.slice(0, inFull).map((a) => `${a.account} · Account risk: REDUCE_ONLY`));
    const all = JSON.stringify(reply.embeds);
    for (const { account } of answers) expect(all).toContain(`${account} · `);
    // Every account shown in full lists some of its positions.
    const heads = reply.embeds.filter((e) => e.title?.includes(' · Account risk'));
    for (const head of heads) expect(head.fields?.length ?? 0).toBeGreaterThan(0);
  });

  it('shortens each account’s note when nine share a reply, so every account keeps room for more than its riskiest position', () => {
    const answers = Array.from({ length: 9 }, (_, i) => ({
      account: `desk-${i}`,
      result: riskResultFixture(600, { note: 'x'.repeat(5000) }),
    }));
    const reply = renderRiskAnswers(answers);
    if (!reply.ok) throw new Error('expected embeds');
    const heads = reply.embeds.filter((e) => e.title?.includes(' · Account risk'));
    expect(heads).toHaveLength(9);
    for (const head of heads) expect(head.fields?.length ?? 0).toBeGreaterThanOrEqual(2);
  });

  it('stays within every embed limit with 12 accounts of hostile notes and hundreds of positions', () => {
    const answers = Array.from({ length: 12 }, (_, i) => ({
      account: `desk-${i}`,
      result: riskResultFixture(600, { note: 'x'.repeat(5000) }),
    }));
    const reply = renderRiskAnswers(answers);
    if (!reply.ok) throw new Error('expected embeds');
    expect(validateMessage({ embeds: reply.embeds }, { requireContentOrEmbeds: true })).toEqual([]);
  });
});

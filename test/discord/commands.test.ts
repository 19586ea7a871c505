import { REST } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerCommands, suggestSymbols } from '../../src/discord/commands.js';
import { discordRestOptions } from '../../src/discord/DiscordConfig.js';
import { FakeDiscord } from '../fakes/discord/FakeDiscord.js';
import { validateCommands } from '../fakes/discord/validateCommands.js';

let fake: FakeDiscord;
let rest: REST;

beforeEach(async () => {
  fake = await FakeDiscord.start();
  rest = new REST(discordRestOptions(fake.apiUrl)).setToken(fake.token);
});

afterEach(async () => {
  rest.clearHashSweeper();
  rest.clearHandlerSweeper();
  await fake.close();
});

function config(guildId: string | undefined) {
  return { token: fake.token, applicationId: fake.applicationId, guildId, apiUrl: fake.apiUrl };
}

describe('registerCommands', () => {
  it('bulk-overwrites /forceorders in the guild, the same payload every time', async () => {
    const first = await registerCommands(config(fake.guildId), { rest });
    await registerCommands(config(fake.guildId), { rest });

    expect(first.scope).toBe('guild');
    expect(fake.requests.filter((r) => r.method === 'PUT').map((r) => r.path)).toEqual([
      `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`,
      `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`,
    ]);
    expect(fake.commandPuts[1]!.body).toEqual(fake.commandPuts[0]!.body);
    const [command] = fake.commandPuts[0]!.body;
    expect(command).toMatchObject({
      name: 'forceorders',
      default_member_permissions: '1024',
      dm_permission: false,
      contexts: [0],
      integration_types: [0],
    });
    const options = Object.fromEntries(command!.options!.map((o) => [o.name, o]));
    expect(Object.keys(options)).toEqual(['account', 'symbol', 'type', 'since', 'limit', 'public']);
    expect(options.account).toMatchObject({ type: 3, autocomplete: true, max_length: 32 });
    expect(options.symbol).toMatchObject({ type: 3, autocomplete: true });
    expect(options.symbol!.choices).toBeUndefined();
    expect(options.type!.choices).toEqual([
      { name: 'all', value: 'all' },
      { name: 'liquidation', value: 'liquidation' },
      { name: 'adl', value: 'adl' },
      { name: 'settlement (delivery/delisting)', value: 'settlement' },
    ]);
    expect(options.limit).toMatchObject({ type: 4, min_value: 1, max_value: 100 });
    expect(options.public).toMatchObject({ type: 5 });
    expect(command!.options!.every((o) => !o.required)).toBe(true);
  });

  it('registers globally without a guild', async () => {
    const result = await registerCommands(config(undefined), { rest });
    expect(result.scope).toBe('global');
    expect(fake.commandPuts.map((p) => p.route)).toEqual(['global']);
    expect(result.commands[0]!.name).toBe('forceorders');
  });

  it('is checked by a fake that does refuse what Discord refuses', () => {
    const option = { type: 3, name: 'symbol', description: 'x', autocomplete: true, choices: [{ name: 'a', value: 'a' }] };
    expect(validateCommands([{ name: 'ForceOrders', description: 'x' }])).not.toEqual([]);
    expect(validateCommands([{ name: 'forceorders', description: 'x', options: [option] }]).map((e) => e.message)).toContain(
      'Autocomplete cannot be used with choices',
    );
  });
});

describe('suggestSymbols', () => {
  it('puts prefix matches first (shortest first), then substring matches, each once, at most 25', () => {
    const known = ['ETHUSD_PERP', 'BTCUSD_PERP', 'btcusd_perp', 'XBTCUSD_PERP', ...Array.from({ length: 30 }, (_, i) => `BTC${i}USD_PERP`)];
    const choices = suggestSymbols(known, 'btc');
    expect(choices).toHaveLength(25);
    expect(choices.filter((c) => c.value === 'BTCUSD_PERP')).toHaveLength(1);
    expect(suggestSymbols(known, 'cusd_p').map((c) => c.value)).toContain('XBTCUSD_PERP');
    expect(suggestSymbols(['BTCUSD_PERP', 'XBTCUSD_PERP'], 'BTC').map((c) => c.value)).toEqual(['BTCUSD_PERP', 'XBTCUSD_PERP']);
  });
});

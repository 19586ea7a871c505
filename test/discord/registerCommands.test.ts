import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { REST } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discordRestOptions } from '../../src/discord/DiscordConfig.js';
import { BOT_PERMISSIONS, inviteUrl } from '../../src/discord/inviteUrl.js';
import { registerCommands } from '../../src/discord/registerCommands.js';
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
    expect(Object.keys(options)).toEqual(['symbol', 'type', 'since', 'limit', 'public']);
    expect(options.symbol).toMatchObject({ type: 3, autocomplete: true });
    expect(options.symbol!.choices).toBeUndefined();
    expect(options.type!.choices!.map((c) => c.value)).toEqual(['all', 'liquidation', 'adl']);
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

  it('runs as a script that registers and prints the invite URL, never the token', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/discord/registerCommandsCli.ts'], {
      env: {
        PATH: process.env.PATH,
        DISCORD_TOKEN: fake.token,
        DISCORD_APPLICATION_ID: fake.applicationId,
        DISCORD_ALERT_CHANNEL_ID: fake.alertChannelId,
        DISCORD_GUILD_ID: fake.guildId,
        DISCORD_API_URL: fake.apiUrl,
      },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(fake.commandPuts).toHaveLength(1);
    expect(output).toContain(JSON.stringify(inviteUrl(fake.applicationId)));
    expect(output).not.toContain(fake.token);
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

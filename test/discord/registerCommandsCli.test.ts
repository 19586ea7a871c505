import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inviteUrl } from '../../src/discord/createDiscordAdapter.js';
import { FakeDiscord } from '../fakes/discord/FakeDiscord.js';

let fake: FakeDiscord;

beforeEach(async () => {
  fake = await FakeDiscord.start();
});

afterEach(async () => {
  await fake.close();
});

describe('npm run register', () => {
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

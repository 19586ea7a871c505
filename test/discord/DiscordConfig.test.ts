import { describe, expect, it } from 'vitest';
import { DEFAULT_DISCORD_API_URL, parseDiscordConfig } from '../../src/discord/DiscordConfig.js';
import { redact } from '../../src/ops/redact.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.config-test-token-secret_value';
const valid = {
  DISCORD_TOKEN: TOKEN,
  DISCORD_APPLICATION_ID: '123456789012345678',
  DISCORD_ALERT_CHANNEL_ID: '223456789012345678',
};

describe('parseDiscordConfig', () => {
  it('is off when no DISCORD_* variable is set', () => {
    expect(parseDiscordConfig({ SLACK_BOT_TOKEN: 'x', DISCORD_GUILD_ID: '  ' })).toEqual({ ok: true, config: undefined });
  });

  it('fills defaults: Discord API, the alert channel as the allowed channel, no roles', () => {
    const result = parseDiscordConfig(valid);
    expect(result).toEqual({
      ok: true,
      config: {
        token: TOKEN,
        applicationId: valid.DISCORD_APPLICATION_ID,
        alertChannelId: valid.DISCORD_ALERT_CHANNEL_ID,
        guildId: undefined,
        apiUrl: DEFAULT_DISCORD_API_URL,
        mentionRoleId: undefined,
        allowedRoleIds: [],
        allowedChannelIds: [valid.DISCORD_ALERT_CHANNEL_ID],
      },
    });
  });

  it('reads lists and the API override', () => {
    const result = parseDiscordConfig({
      ...valid,
      DISCORD_API_URL: 'http://127.0.0.1:9999/api/',
      DISCORD_ALLOWED_ROLE_IDS: '323456789012345678, 423456789012345678,323456789012345678',
      DISCORD_ALLOWED_CHANNEL_IDS: '523456789012345678',
    });
    expect(result.ok && result.config).toMatchObject({
      apiUrl: 'http://127.0.0.1:9999/api',
      allowedRoleIds: ['323456789012345678', '423456789012345678'],
      allowedChannelIds: ['523456789012345678'],
    });
  });

  it('reports every problem at once, naming the variable, never the token', () => {
    const result = parseDiscordConfig({
      DISCORD_TOKEN: 'Bot not-a-real-token-value',
      DISCORD_APPLICATION_ID: 'my-app',
      DISCORD_GUILD_ID: '12',
      DISCORD_API_URL: 'https://discord.com/api/v10',
      DISCORD_ALLOWED_ROLE_IDS: 'admins',
      DISCORD_ALERT_CHANEL_ID: '223456789012345678',
    });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    for (const name of [
      'DISCORD_ALERT_CHANEL_ID',
      'DISCORD_TOKEN',
      'DISCORD_APPLICATION_ID',
      'DISCORD_ALERT_CHANNEL_ID',
      'DISCORD_GUILD_ID',
      'DISCORD_API_URL',
      'DISCORD_ALLOWED_ROLE_IDS',
    ]) {
      expect(errors.some((e) => e.startsWith(name))).toBe(true);
    }
    expect(errors.join('\n')).not.toContain('not-a-real-token-value');
  });

  it('registers the token so the logger scrubs it', () => {
    parseDiscordConfig(valid);
    expect(redact(`token was ${TOKEN}`)).toBe('token was [REDACTED]');
  });
});

import { describe, expect, it } from 'vitest';
import { redact } from '../../src/ops/redact.js';
import { DEFAULT_SLACK_API_URL, parseSlackConfig } from '../../src/slack/slackConfig.js';

const BOT = 'xoxb-1234-5678-configtestbot';
const APP = 'xapp-1-A0FW-9999-configtestapp';

describe('parseSlackConfig', () => {
  it('says Slack is not configured when no SLACK_ variable is set', () => {
    expect(parseSlackConfig({ PATH: '/bin', SLACK_PORT: '  ' })).toEqual({ ok: true, config: undefined });
  });

  it('reads Socket Mode with defaults: Slack’s API, alert channel as the only allowed channel', () => {
    const result = parseSlackConfig({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP, SLACK_ALERT_CHANNEL: 'C0ALERTS' });
    expect(result).toEqual({
      ok: true,
      config: {
        botToken: BOT,
        alertChannel: 'C0ALERTS',
        connection: { mode: 'socket', appToken: APP },
        apiUrl: DEFAULT_SLACK_API_URL,
        mention: undefined,
        allowedUsers: [],
        allowedChannels: ['C0ALERTS'],
      },
    });
  });

  it('reads HTTP mode with port, API URL, mention and allow lists', () => {
    const result = parseSlackConfig({
      SLACK_BOT_TOKEN: BOT,
      SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5',
      SLACK_ALERT_CHANNEL: 'G0PRIVATE',
      SLACK_PORT: '8080',
      SLACK_API_URL: 'http://gateway.internal/slack/api',
      SLACK_MENTION: '<!subteam^S0ONCALL>',
      SLACK_ALLOWED_USERS: 'U0ALICE, W0BOB',
      SLACK_ALLOWED_CHANNELS: 'C0OPS,D0DM',
    });
    expect(result.ok && result.config).toMatchObject({
      connection: { mode: 'http', port: 8080 },
      apiUrl: 'http://gateway.internal/slack/api/',
      mention: '<!subteam^S0ONCALL>',
      allowedUsers: ['U0ALICE', 'W0BOB'],
      allowedChannels: ['C0OPS', 'D0DM'],
    });
  });

  it('defaults the HTTP port to 3000', () => {
    const result = parseSlackConfig({
      SLACK_BOT_TOKEN: BOT,
      SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5',
      SLACK_ALERT_CHANNEL: 'C0A',
    });
    expect(result.ok && result.config?.connection).toEqual({ mode: 'http', signingSecret: '8f742231b10e8888abcd99yyyzzz85a5', port: 3000 });
  });

  it('reports every problem at once, one line per variable, without echoing secrets', () => {
    const result = parseSlackConfig({
      SLACK_BOT_TOKEN: 'xoxp-user-token-not-a-bot-secretvalue',
      SLACK_ALERT_CHANNEL: '#alerts',
      SLACK_API_URL: 'ftp://nope',
      SLACK_MENTION: '@channel',
      SLACK_ALLOWED_USERS: 'U0OK,alice',
    });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.map((e) => e.split(' ')[0])).toEqual([
      'SLACK_BOT_TOKEN',
      'SLACK_ALERT_CHANNEL',
      'SLACK_APP_TOKEN',
      'SLACK_API_URL',
      'SLACK_MENTION',
      'SLACK_ALLOWED_USERS',
    ]);
    expect(errors.join('\n')).not.toContain('secretvalue');
    expect(errors[5]).toContain('(alice)');
  });

  it('rejects a bad port', () => {
    const result = parseSlackConfig({
      SLACK_BOT_TOKEN: BOT,
      SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5',
      SLACK_ALERT_CHANNEL: 'C0A',
      SLACK_PORT: '70000',
    });
    expect(result).toEqual({ ok: false, errors: [expect.stringMatching(/^SLACK_PORT is invalid/)] });
  });

  it('registers tokens and the signing secret with the redactor', () => {
    const secret = 'registeredsecret0123456789abcdef';
    parseSlackConfig({ SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: secret, SLACK_ALERT_CHANNEL: 'C0A' });
    expect(redact(`a ${secret} b`)).toBe('a [REDACTED] b');
    expect(redact(BOT)).toBe('[REDACTED]');
  });
});

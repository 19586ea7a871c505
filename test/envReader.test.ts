import { describe, expect, it } from 'vitest';
import { parseDiscordConfig } from '../src/discord/DiscordConfig.js';
import { EnvReader, isLoopbackHost, parseHttpUrl } from '../src/envReader.js';
import { parseSlackConfig } from '../src/slack/slackConfig.js';

/** A Binance secret's shape (64 letters and digits), made up for this file. */
const BINANCE_SECRET = 'Hn3Jx8Qp1Wz5Ck7Vb2Mr9Ld4Tf6Gs0Ya3Ue5Io7Pa9Sd1Fg3Hj5Kl7Zx9Cv1Bn3M';
/** A Discord bot token's shape (three dot-separated base64url parts), made up for this file. */
const DISCORD_TOKEN = 'MTk4NjIyNDgzNDcxOTI1MjQ4.Gh1Kx2.abcdefghijklmnopqrstuvwxyz0123456789AB';

describe('EnvReader', () => {
  it('treats blank values as unset, finds a part by prefix and splits lists', () => {
    const r = new EnvReader({ SLACK_BOT_TOKEN: '  ', SLACK_ALERT_CHANNEL: ' C1 ', LIST: ' a, ,b ,', OTHER: 'x' });
    expect(r.raw('SLACK_BOT_TOKEN')).toBeUndefined();
    expect(r.raw('SLACK_ALERT_CHANNEL')).toBe('C1');
    expect(r.namesWithPrefix('SLACK_')).toEqual(['SLACK_ALERT_CHANNEL']);
    expect(r.namesWithPrefix('DISCORD_')).toEqual([]);
    expect(r.list('LIST')).toEqual(['a', 'b']);
    expect(r.list('MISSING')).toBeUndefined();
  });

  it('collects every problem instead of stopping at the first', () => {
    const r = new EnvReader({ N: '0', U: 'ftp://x' });
    expect(r.integer('N', 5, 1, 10)).toBe(5);
    expect(r.url('U', 'https://example.test')).toBe('https://example.test');
    r.required('MISSING', 'set it');
    expect(r.errors).toEqual([
      'N="0" is not valid: expected a whole number from 1 to 10',
      'U="ftp://x" is not valid: expected an http(s) URL such as https://example.test',
      'MISSING is not set: set it',
    ]);
  });
});

describe('EnvReader errors', () => {
  it('scrubs every line pushed: a key in the wrong variable, a token shape, a piece of a credential', () => {
    const r = new EnvReader({ N: BINANCE_SECRET, U: `https://x.test/${DISCORD_TOKEN}`, SLACK_SIGNING_SECRET: 'opensesame-2024' });
    r.integer('N', 5, 1, 10);
    // What a caller's own message may quote: part of a value, a Slack token shape, a named credential's value.
    r.errors.push(`got ${JSON.stringify(BINANCE_SECRET.slice(0, 20))}`, 'got xoxp-1234567890-abc', 'got opensesame-2024');
    r.warnings.push(`also ${BINANCE_SECRET}`);
    expect(r.errors).toEqual([
      'N="[REDACTED]" is not valid: expected a whole number from 1 to 10',
      'got "[REDACTED]"',
      'got [REDACTED]',
      'got [REDACTED]',
    ]);
    expect(r.warnings).toEqual(['also [REDACTED]']);
  });

  it('covers the Slack and Discord settings, which read through it: a pasted key never comes back', () => {
    const slack = parseSlackConfig({
      SLACK_BOT_TOKEN: 'xoxb-1-2-3',
      SLACK_APP_TOKEN: 'xapp-1-A1-2-abc',
      SLACK_ALERT_CHANNEL: 'C0ALERTS',
      SLACK_ALLOWED_USERS: BINANCE_SECRET,
    });
    const discord = parseDiscordConfig({
      DISCORD_TOKEN,
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_ALERT_CHANNEL_ID: '123456789012345678',
      DISCORD_GUILD_ID: BINANCE_SECRET,
      DISCORD_MENTION_ROLE_ID: DISCORD_TOKEN,
    });
    const errors = [slack, discord].flatMap((result) => (result.ok ? [] : result.errors));
    expect(errors).toHaveLength(3);
    const text = errors.join('\n');
    for (const secret of [BINANCE_SECRET, DISCORD_TOKEN]) {
      for (let i = 0; i + 10 <= secret.length; i += 1) expect(text).not.toContain(secret.slice(i, i + 10));
    }
    expect(text).toMatch(/SLACK_ALLOWED_USERS has invalid ids \(\[REDACTED\]\)/);
    expect(text).toMatch(/DISCORD_GUILD_ID must be a Discord ID .*, got "\[REDACTED\]"/);
  });
});

describe('EnvReader.url and host', () => {
  it('allows cleartext http:// to loopback only, and no link-local host at all', () => {
    const r = new EnvReader({ A: 'http://localhost:3000/', B: 'http://10.0.0.2', C: 'https://169.254.169.254', D: 'http://[::1]:9' });
    expect(r.url('A', 'https://example.test')).toBe('http://localhost:3000');
    expect(r.url('B', 'https://example.test')).toBe('https://example.test');
    expect(r.url('C', 'https://example.test')).toBe('https://example.test');
    expect(r.url('D', 'https://example.test')).toBe('http://[::1]:9');
    expect(r.errors).toEqual([
      'B="http://10.0.0.2" is not valid: cleartext http:// would send the API key and signed requests unencrypted to 10.0.0.2; use https:// (http:// is accepted for localhost only)',
      'C="https://169.254.169.254" is not valid: 169.254.169.254 is a link-local address (a cloud metadata service, not an exchange); expected a URL such as https://example.test',
    ]);
  });

  it('takes an IP literal or localhost as a bind address', () => {
    const r = new EnvReader({ A: '::1', B: 'fe80::1%eth0', C: 'localhost', D: '127.0.0.1 junk', E: 'host.example' });
    expect(['A', 'B', 'C', 'D', 'E'].map((name) => r.host(name, '127.0.0.1'))).toEqual([
      '::1',
      'fe80::1%eth0',
      'localhost',
      '127.0.0.1',
      '127.0.0.1',
    ]);
    expect(r.errors.map((line) => line.split('=')[0])).toEqual(['D', 'E']);
  });

  it('knows loopback in every spelling the URL parser leaves', () => {
    for (const host of [
      'localhost',
      'LOCALHOST.',
      '127.0.0.1',
      '127.255.0.9',
      '[::1]',
      '::1',
      new URL('http://[::ffff:127.0.0.1]').hostname,
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['10.0.0.1', '[::2]', 'localhost.example', '0.0.0.0', '::']) expect(isLoopbackHost(host), host).toBe(false);
  });
});

describe('parseHttpUrl', () => {
  it('accepts http(s) URLs only', () => {
    expect(parseHttpUrl('https://slack.com/api/')?.host).toBe('slack.com');
    expect(parseHttpUrl('http://127.0.0.1:3000')?.port).toBe('3000');
    for (const bad of ['ftp://x', 'slack.com', '', 'javascript:alert(1)']) expect(parseHttpUrl(bad)).toBeUndefined();
  });
});

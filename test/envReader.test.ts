import { describe, expect, it } from 'vitest';
import { EnvReader, parseHttpUrl } from '../src/envReader.js';

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

describe('parseHttpUrl', () => {
  it('accepts http(s) URLs only', () => {
    expect(parseHttpUrl('https://slack.com/api/')?.host).toBe('slack.com');
    expect(parseHttpUrl('http://127.0.0.1:3000')?.port).toBe('3000');
    for (const bad of ['ftp://x', 'slack.com', '', 'javascript:alert(1)']) expect(parseHttpUrl(bad)).toBeUndefined();
  });
});

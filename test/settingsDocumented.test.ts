import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * Every environment variable the settings read is documented: a row in the README's settings and a line
 * in .env.example. The names are taken from the settings modules themselves, so a new setting without
 * documentation fails here.
 */
const SETTINGS_MODULES = ['src/config.ts', 'src/slack/slackConfig.ts', 'src/discord/DiscordConfig.ts'];
const NAME = /'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g;

const names = [
  ...new Set(SETTINGS_MODULES.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(NAME)].map((match) => match[1] ?? ''))),
].sort();
const readme = readFileSync('README.md', 'utf8');
const example = readFileSync('.env.example', 'utf8');

describe('settings documentation', () => {
  it('finds the settings the modules read (the check below looks at real names)', () => {
    expect(names).toEqual(expect.arrayContaining(['BINANCE_API_KEY', 'SLACK_BOT_TOKEN', 'DISCORD_TOKEN', 'WATCHDOG_AFTER']));
  });

  it('gives every setting a README row and a line in .env.example', () => {
    expect(names.filter((name) => !readme.includes(`| \`${name}\``))).toEqual([]);
    expect(names.filter((name) => !new RegExp(`^#? ?${name}=`, 'm').test(example))).toEqual([]);
  });
});

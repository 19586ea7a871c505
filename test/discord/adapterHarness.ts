import { EventEmitter, once } from 'node:events';
import { expect } from 'vitest';
import { type DiscordConfig, parseDiscordConfig } from '../../src/discord/DiscordConfig.js';
import { createLogger, type Logger } from '../../src/ops/logger.js';
import type { FakeDiscord, RecordedInteraction } from '../fakes/discord/FakeDiscord.js';

/** What the adapter tests share: the adapter's settings for a fake, interactions and their options, a log to wait on. */

const OPTION_TYPE = { string: 3, number: 4, boolean: 5 } as const;

/** The adapter's settings for `fake`: its API, token, ids, and the traders role allowed. */
export function discordConfigFor(fake: FakeDiscord, env: Record<string, string> = {}): DiscordConfig {
  const parsed = parseDiscordConfig({
    DISCORD_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_ALERT_CHANNEL_ID: fake.alertChannelId,
    DISCORD_GUILD_ID: fake.guildId,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_ALLOWED_ROLE_IDS: fake.traderRoleId,
    ...env,
  });
  if (!parsed.ok || !parsed.config) throw new Error(`bad test config: ${JSON.stringify(parsed)}`);
  return parsed.config;
}

/** A slash-command option as Discord sends it, typed by its value. */
export function commandOption(name: string, value: string | number | boolean, focused = false) {
  return { name, type: OPTION_TYPE[typeof value as keyof typeof OPTION_TYPE], value, ...(focused && { focused }) };
}

/** Dispatches an interaction and resolves once the fake saw `event` for it. */
export async function interactAndWait(
  fake: FakeDiscord,
  event: 'edit' | 'callback' | 'followUp',
  input: Parameters<FakeDiscord['interact']>[0],
): Promise<RecordedInteraction> {
  const seen = fake.next<RecordedInteraction>(event);
  const sent = fake.interact(input);
  const got = await seen;
  expect(got.id).toBe(sent.id);
  return got;
}

/** A real JSON logger (with redaction) whose lines are kept, and awaited with `next`. */
export interface WatchedLog {
  logger: Logger;
  lines: string[];
  /** Resolves with the first line, already written or to come, that contains `text`. */
  next(text: string): Promise<string>;
}

/** A logger for tests that wait for a line instead of sleeping. */
export function watchedLog(): WatchedLog {
  const lines: string[] = [];
  const written = new EventEmitter();
  const logger = createLogger({
    level: 'debug',
    format: 'json',
    write: (line) => {
      lines.push(line);
      written.emit('line', line);
    },
  });
  return {
    logger,
    lines,
    async next(text) {
      for (;;) {
        const found = lines.find((line) => line.includes(text));
        if (found) return found;
        await once(written, 'line');
      }
    },
  };
}

/** Neither the bot token nor any interaction token (nor `extra`) may reach a log line. */
export function expectNoTokenLogged(fake: FakeDiscord, lines: readonly string[], extra: readonly string[] = []): void {
  const all = lines.join('\n');
  expect(all).not.toContain(fake.token);
  for (const { token } of fake.interactions.values()) expect(all).not.toContain(token);
  for (const secret of extra) expect(all).not.toContain(secret);
}

import type { RESTOptions } from 'discord.js';
import { EnvReader, parseHttpUrl } from '../envReader.js';
import { registerSecret } from '../ops/redact.js';

/** Everything the Discord adapter needs, validated; built only by `parseDiscordConfig`. */
export interface DiscordConfig {
  /** Bot token (secret; registered with the redactor). */
  token: string;
  applicationId: string;
  alertChannelId: string;
  /** Registers `/forceorders` in this guild only (instant); absent = global command. */
  guildId: string | undefined;
  /** REST base as `@discordjs/rest` takes it (`https://discord.com/api`); requests go to `${apiUrl}/v10/...`. */
  apiUrl: string;
  /** Role pinged by alerts at or above the notional threshold. */
  mentionRoleId: string | undefined;
  /** Members with any of these roles may run `/forceorders` anywhere in the guild. */
  allowedRoleIds: string[];
  /** Anyone may run `/forceorders` in these channels (default: the alert channel). */
  allowedChannelIds: string[];
}

/** The outcome of `parseDiscordConfig`: a config (or none, Discord being off) or every problem found. */
export type DiscordConfigResult = { ok: true; config: DiscordConfig | undefined } | { ok: false; errors: string[] };

/** Discord's public REST base; @discordjs/rest appends `/v10`. */
export const DEFAULT_DISCORD_API_URL = 'https://discord.com/api';

const KNOWN = [
  'DISCORD_TOKEN',
  'DISCORD_APPLICATION_ID',
  'DISCORD_ALERT_CHANNEL_ID',
  'DISCORD_GUILD_ID',
  'DISCORD_API_URL',
  'DISCORD_MENTION_ROLE_ID',
  'DISCORD_ALLOWED_ROLE_IDS',
  'DISCORD_ALLOWED_CHANNEL_IDS',
] as const;

/** Snowflakes are 64-bit integers written in decimal; real ones have 17 to 20 digits. https://discord.com/developers/docs/reference#snowflakes */
const SNOWFLAKE = /^\d{17,20}$/;
/** A bot token is three base64url segments joined by dots (user id, timestamp, HMAC). */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const SNOWFLAKE_HINT = 'a Discord ID (17-20 digits; Developer Mode -> right click -> Copy ID)';

/**
 * Reads the DISCORD_* variables. Discord is off (config `undefined`) when none is set; otherwise
 * every problem is reported at once, each naming its variable and what a valid value looks like.
 * The token's value never appears in an error.
 */
export function parseDiscordConfig(env: NodeJS.ProcessEnv): DiscordConfigResult {
  const r = new EnvReader(env);
  const present = r.namesWithPrefix('DISCORD_');
  if (present.length === 0) return { ok: true, config: undefined };

  const { errors } = r;
  for (const name of present) {
    if (!(KNOWN as readonly string[]).includes(name)) {
      errors.push(`${name} is not a forcewatch setting (known: ${KNOWN.join(', ')}); a typo?`);
    }
  }
  const required = (name: string): string | undefined => {
    const v = r.raw(name);
    if (v === undefined) errors.push(`${name} is required when Discord is configured`);
    return v;
  };
  const snowflake = (name: string, v: string | undefined): string | undefined => {
    if (v === undefined) return undefined;
    if (SNOWFLAKE.test(v)) return v;
    errors.push(`${name} must be ${SNOWFLAKE_HINT}, got ${JSON.stringify(v.slice(0, 40))}`);
    return undefined;
  };
  const snowflakeList = (name: string): string[] | undefined => {
    const ids = r.list(name);
    if (ids === undefined) return undefined;
    const bad = ids.filter((id) => !SNOWFLAKE.test(id));
    if (bad.length > 0 || ids.length === 0) {
      errors.push(`${name} must be a comma-separated list of ${SNOWFLAKE_HINT}; bad: ${JSON.stringify(bad.join(',').slice(0, 80))}`);
      return undefined;
    }
    return [...new Set(ids)];
  };

  const token = required('DISCORD_TOKEN');
  if (token !== undefined) {
    registerSecret(token);
    if (/^Bot\s/i.test(token)) errors.push('DISCORD_TOKEN must be the bare bot token, without the "Bot " prefix');
    else if (!TOKEN_SHAPE.test(token)) {
      errors.push('DISCORD_TOKEN does not look like a bot token (three dot-separated parts; Developer Portal -> Bot -> Reset Token)');
    }
  }
  const applicationId = snowflake('DISCORD_APPLICATION_ID', required('DISCORD_APPLICATION_ID'));
  const alertChannelId = snowflake('DISCORD_ALERT_CHANNEL_ID', required('DISCORD_ALERT_CHANNEL_ID'));
  const guildId = snowflake('DISCORD_GUILD_ID', r.raw('DISCORD_GUILD_ID'));
  const mentionRoleId = snowflake('DISCORD_MENTION_ROLE_ID', r.raw('DISCORD_MENTION_ROLE_ID'));
  const allowedRoleIds = snowflakeList('DISCORD_ALLOWED_ROLE_IDS');
  const allowedChannelIds = snowflakeList('DISCORD_ALLOWED_CHANNEL_IDS');
  const apiUrl = parseApiUrl(r.raw('DISCORD_API_URL'), errors);

  if (errors.length > 0 || !token || !applicationId || !alertChannelId || apiUrl === undefined) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    config: {
      token,
      applicationId,
      alertChannelId,
      guildId,
      apiUrl,
      mentionRoleId,
      allowedRoleIds: allowedRoleIds ?? [],
      allowedChannelIds: allowedChannelIds ?? [alertChannelId],
    },
  };
}

function parseApiUrl(raw: string | undefined, errors: string[]): string | undefined {
  if (raw === undefined) return DEFAULT_DISCORD_API_URL;
  const hint = 'an http(s) URL of the REST base without the version, e.g. https://discord.com/api';
  const url = parseHttpUrl(raw);
  const base = raw.replace(/\/+$/, '');
  if (!url) errors.push(`DISCORD_API_URL must be ${hint}`);
  // @discordjs/rest appends `/v10` itself; a versioned base would request /v10/v10/...
  else if (/\/v\d+$/.test(base)) errors.push(`DISCORD_API_URL must not end with a version (/v10): ${hint}`);
  else if (url.username || url.password || url.search) errors.push(`DISCORD_API_URL must carry no credentials or query: ${hint}`);
  else return base;
  return undefined;
}

/**
 * Per-request timeout. @discordjs/rest aborts and retries (3 times) after it; the alert nonce makes a
 * retry of a request that did land harmless. Its default is 15 s; a hung request should not hold the
 * whole channel queue that long.
 */
const REST_TIMEOUT_MS = 10_000;

/**
 * Longest rate-limit wait @discordjs/rest may sit out inside one call: above any per-route window
 * (message create resets within 5 s). Longer waits (a global limit, a Cloudflare ban) reject with
 * `RateLimitError`, which the sink turns into a retryable SinkError with `retryAfterMs`, so the
 * pipeline keeps the alert in its outbox instead of blocking forever (the REST queue otherwise
 * retries 429s without a cap).
 */
const MAX_INLINE_RATE_LIMIT_WAIT_MS = 15_000;

/** REST options of every Discord client the bot makes (the bot's own, registration, doctor, test alerts), from `apiUrl`. */
export function discordRestOptions(apiUrl: string): Partial<RESTOptions> {
  return {
    api: apiUrl,
    timeout: REST_TIMEOUT_MS,
    rejectOnRateLimit: (data) => data.retryAfter > MAX_INLINE_RATE_LIMIT_WAIT_MS || data.timeToReset > MAX_INLINE_RATE_LIMIT_WAIT_MS,
  };
}

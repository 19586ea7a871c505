import { registerSecret } from '../ops/redact.js';

/** REDIS_URL read: the URL, or what is wrong with it (never quoting it: it may hold a password). */
export type RedisUrlReading = { ok: true; url: URL } | { ok: false; error: string };

/**
 * Reads a Redis URL (`redis://` or `rediss://`, optional `user:password@`) and registers it and its
 * password, as written and percent-decoded, for redaction before anything can print them. The one
 * place that does: the settings, the client and the migration command all read REDIS_URL through it.
 */
export function readRedisUrl(text: string): RedisUrlReading {
  registerSecret(text);
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url?.password) {
    registerSecret(url.password);
    try {
      registerSecret(decodeURIComponent(url.password));
    } catch {
      return { ok: false, error: 'REDIS_URL has a badly percent-encoded password: encode it with encodeURIComponent (e.g. %40 for @)' };
    }
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    return {
      ok: false,
      error:
        'REDIS_URL is not valid (value not shown: it may hold a password): expected redis://[user:password@]host[:port][/db] or rediss:// for TLS',
    };
  }
  return { ok: true, url };
}

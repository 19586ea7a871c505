import { BlockList, isIP } from 'node:net';
import { redact } from './ops/redact.js';
import { parseDuration } from './time.js';

/** `text` as an http(s) URL, or undefined when it is not one. */
export function parseHttpUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function parseWsUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'ws:' || url.protocol === 'wss:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Where a cleartext `http://` URL may point: this machine only (the simulator's case). */
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * Link-local addresses (RFC 3927, RFC 4291): on a cloud host 169.254.169.254 is the metadata service,
 * never an exchange, and would receive the API key and signed queries.
 */
const LINK_LOCAL = new BlockList();
LINK_LOCAL.addSubnet('169.254.0.0', 16, 'ipv4');
LINK_LOCAL.addSubnet('fe80::', 10, 'ipv6');

/** The IP literal of a URL's or setting's host (brackets and an IPv6 zone dropped), or undefined for a name. */
function ipLiteral(host: string): { address: string; type: 'ipv4' | 'ipv6' } | undefined {
  const address = host.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = isIP(address);
  return version === 0 ? undefined : { address, type: version === 4 ? 'ipv4' : 'ipv6' };
}

/** Whether `host` (a URL's hostname or a bind address) is this machine: `localhost` or a loopback address. */
export function isLoopbackHost(host: string): boolean {
  if (/^localhost\.?$/i.test(host)) return true;
  const ip = ipLiteral(host);
  return ip !== undefined && LOOPBACK.check(ip.address, ip.type);
}

function isLinkLocalHost(host: string): boolean {
  const ip = ipLiteral(host);
  return ip !== undefined && LINK_LOCAL.check(ip.address, ip.type);
}

/**
 * Letters and digits only, 32 or more in a row: a Binance API key or secret is 64, a Slack signing
 * secret 32, and no setting's own value or message has such a run. Also catches a truncated echo.
 */
const LONG_ALNUM_RUN = /[A-Za-z0-9]{32,}/g;
/** A Discord bot token: three dot-separated base64url parts (the shape test/setup/knownSecrets.ts looks for). */
const DISCORD_TOKEN = /[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{20,}/g;
/** Settings that hold a credential by their name (a `*_KEY_PATH` holds a file name, not a key). */
const CREDENTIAL_NAME = /(SECRET|TOKEN|_KEY)$/;
/** Pieces of text an echo can be cut into; a piece this long or longer that is part of a credential is redacted. */
const PIECE = /[A-Za-z0-9._-]{8,}/g;

/** Whether a setting's value looks like a key or token, whatever variable it was put in. */
function looksLikeCredential(value: string): boolean {
  return redact(value) !== value || value.search(LONG_ALNUM_RUN) >= 0 || value.search(DISCORD_TOKEN) >= 0;
}

/**
 * The scrubber of settings errors for `env`: registered secrets and token shapes (src/ops/redact.ts),
 * anything shaped like a Binance key or a Discord token, and any piece of a credential the environment
 * holds, in case a message quotes only part of a value. A key pasted into the wrong variable is echoed
 * back in its error; this keeps it out of the terminal and the logs.
 */
function settingsErrorScrubber(env: NodeJS.ProcessEnv): (text: string) => string {
  const credentials = Object.entries(env).flatMap(([name, value = '']) =>
    CREDENTIAL_NAME.test(name) ? [value.trim()] : (value.match(PIECE) ?? []).filter(looksLikeCredential),
  );
  const isPartOfCredential = (piece: string) => credentials.some((value) => value.length >= 8 && value.includes(piece));
  return (text) =>
    redact(text)
      .replace(LONG_ALNUM_RUN, '[REDACTED]')
      .replace(DISCORD_TOKEN, '[REDACTED]')
      .replace(PIECE, (piece) => (isPartOfCredential(piece) ? '[REDACTED]' : piece));
}

/** A list of error lines whose `push` scrubs each line first, so no caller can add an unredacted one. */
function scrubbedLines(scrub: (text: string) => string): string[] {
  const lines: string[] = [];
  const push = lines.push.bind(lines);
  // Not enumerable: the list still compares equal to a plain array of the same lines.
  Object.defineProperty(lines, 'push', { value: (...added: string[]) => push(...added.map(scrub)) });
  return lines;
}

/**
 * Reads settings from an environment, collecting every problem in `errors` instead of stopping at
 * the first, so an operator fixes them all in one go. Core config and each chat adapter's own config
 * read through it; what is valid stays with each of them. Every line pushed to `errors` is scrubbed of
 * credentials first; `warnings` are for settings that work but deserve a look (logged at start).
 */
export class EnvReader {
  readonly errors: string[];
  readonly warnings: string[];
  constructor(private readonly env: NodeJS.ProcessEnv) {
    const scrub = settingsErrorScrubber(env);
    this.errors = scrubbedLines(scrub);
    this.warnings = scrubbedLines(scrub);
  }

  /** The trimmed value; an empty one counts as unset. */
  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  /** The names starting with `prefix` that hold a value: a chat platform is configured when any does. */
  namesWithPrefix(prefix: string): string[] {
    return Object.keys(this.env).filter((name) => name.startsWith(prefix) && this.raw(name) !== undefined);
  }

  /** A comma-separated list, trimmed, empty items dropped; undefined when unset. */
  list(name: string): string[] | undefined {
    return this.raw(name)
      ?.split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  }

  /** The value, or `fallback` when unset. */
  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  /** The value; when unset, reports `name is not set: what`. */
  required(name: string, what: string): string {
    const value = this.raw(name);
    if (value === undefined) this.errors.push(`${name} is not set: ${what}`);
    return value ?? '';
  }

  /** A whole number within [min, max], or `fallback` when unset. */
  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      this.errors.push(`${name}=${JSON.stringify(value)} is not valid: expected a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  }

  /**
   * An https URL without trailing slashes, or `fallback` when unset. Cleartext `http://` only to this
   * machine (the simulator), since the API key and signed queries travel in it; never a link-local host.
   */
  url(name: string, fallback: string): string {
    const value = this.string(name, fallback);
    const url = parseHttpUrl(value);
    const problem = !url
      ? `expected an http(s) URL such as ${fallback}`
      : isLinkLocalHost(url.hostname)
        ? `${url.hostname} is a link-local address (a cloud metadata service, not an exchange); expected a URL such as ${fallback}`
        : url.protocol === 'http:' && !isLoopbackHost(url.hostname)
          ? `cleartext http:// would send the API key and signed requests unencrypted to ${url.hostname}; use https:// (http:// is accepted for localhost only)`
          : undefined;
    if (problem === undefined) return value.replace(/\/+$/, '');
    this.errors.push(`${name}=${JSON.stringify(value)} is not valid: ${problem}`);
    return fallback;
  }

  /**
   * A `wss://` URL without trailing slashes, or `fallback` when unset. Cleartext `ws://` only to this
   * machine (the simulator), since the user data stream's URL carries the listenKey; never a link-local host.
   */
  wsUrl(name: string, fallback: string): string {
    const value = this.string(name, fallback);
    const url = parseWsUrl(value);
    const problem = !url
      ? `expected a wss:// URL such as ${fallback}`
      : isLinkLocalHost(url.hostname)
        ? `${url.hostname} is a link-local address (a cloud metadata service, not an exchange); expected a URL such as ${fallback}`
        : url.protocol === 'ws:' && !isLoopbackHost(url.hostname)
          ? `cleartext ws:// would send the listenKey and the account's orders unencrypted to ${url.hostname}; use wss:// (ws:// is accepted for localhost only)`
          : url.search || url.hash
            ? `expected no query or fragment: the stream's path is appended to it`
            : undefined;
    if (problem === undefined) return value.replace(/\/+$/, '');
    this.errors.push(`${name}=${JSON.stringify(value)} is not valid: ${problem}`);
    return fallback;
  }

  /** A bind address: an IPv4 or IPv6 literal or `localhost`, or `fallback` when unset. */
  host(name: string, fallback: string): string {
    const value = this.string(name, fallback);
    if (/^localhost$/i.test(value) || ipLiteral(value)?.address === value.replace(/%.*$/, '')) return value;
    this.errors.push(`${name}=${JSON.stringify(value)} is not valid: expected an IP address such as 127.0.0.1 or ::1, or localhost`);
    return fallback;
  }

  /** A duration such as `24h`, at most `maxMs`, or `fallbackMs` when unset. */
  duration(name: string, fallbackMs: number, maxMs: number, example: string): number {
    const value = this.raw(name);
    if (value === undefined) return fallbackMs;
    const ms = parseDuration(value);
    if (ms === undefined || ms > maxMs) {
      this.errors.push(
        `${name}=${JSON.stringify(value)} is not valid: expected a duration such as ${example}, at most ${maxMs / 86_400_000}d`,
      );
      return fallbackMs;
    }
    return ms;
  }

  /** One of `allowed` (case-insensitive), or `fallback` when unset. */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: undefined): T | undefined;
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T | undefined): T | undefined {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.errors.push(`${name}=${JSON.stringify(value)} is not valid: expected one of ${allowed.join(', ')}`);
      return fallback;
    }
    return value as T;
  }
}

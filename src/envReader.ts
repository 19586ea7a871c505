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

/**
 * Reads settings from an environment, collecting every problem in `errors` instead of stopping at
 * the first, so an operator fixes them all in one go. Core config and each chat adapter's own config
 * read through it; what is valid stays with each of them.
 */
export class EnvReader {
  readonly errors: string[] = [];
  constructor(private readonly env: NodeJS.ProcessEnv) {}

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

  /** An http(s) URL without trailing slashes, or `fallback` when unset. */
  url(name: string, fallback: string): string {
    const value = this.string(name, fallback);
    if (parseHttpUrl(value)) return value.replace(/\/+$/, '');
    this.errors.push(`${name}=${JSON.stringify(value)} is not valid: expected an http(s) URL such as ${fallback}`);
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

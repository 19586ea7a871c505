import { MAX_ECHO_LENGTH } from './forceOrdersLimits.js';

/**
 * A user's token made safe to quote back on any platform: only ASCII letters, digits, `_` and `-`
 * survive (anything else, such as `@`, `<`, `*`, a look-alike letter or an emoji, becomes `?`), and
 * at most `MAX_ECHO_LENGTH` characters, so no mention, link or markup can ride on an error message.
 */
export function safeEcho(token: string): string {
  const chars = Array.from(token);
  const shown = chars
    .slice(0, MAX_ECHO_LENGTH)
    .map((c) => (/^[A-Za-z0-9_-]$/.test(c) ? c : '?'))
    .join('');
  return `"${shown}${chars.length > MAX_ECHO_LENGTH ? '...' : ''}"`;
}

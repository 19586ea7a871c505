/**
 * The registry of secret values (API secret, signatures, chat tokens) that must never be printed.
 * Config registers each secret once at start-up; the logger and error formatting scrub them.
 */
const secrets = new Set<string>();

/** Secrets shorter than this are not registered: scrubbing them would mangle ordinary text. */
const MIN_SECRET_LENGTH = 8;

/** Registers a value to be replaced by `[REDACTED]` wherever it would be printed. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
}

/** Every registered secret, read-only: the test suite's leak check searches all output for them. */
export function registeredSecrets(): readonly string[] {
  return [...secrets];
}

/** Parameters whose value is secret wherever they appear in a URL or query string. */
const SECRET_PARAMS = /([?&](?:signature|token|listenKey)=)[^&\s"']+/gi;
/** Header-like `key: value` pairs that carry credentials. */
const SECRET_HEADERS = /((?:x-mbx-apikey|authorization)["']?\s*[:=]\s*["']?)(?:Bot |Bearer )?[^\s"',}]+/gi;
/** Slack and Discord token shapes, in case one arrives from somewhere that did not register it. */
const TOKEN_SHAPES = /\bxox[abpe]-[A-Za-z0-9-]{10,}|\bxapp-[A-Za-z0-9-]{10,}/g;

/** Returns `text` with every registered secret, signature parameter and token shape replaced. */
export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
  }
  return out.replace(SECRET_PARAMS, '$1[REDACTED]').replace(SECRET_HEADERS, '$1[REDACTED]').replace(TOKEN_SHAPES, '[REDACTED]');
}

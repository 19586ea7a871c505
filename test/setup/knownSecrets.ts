import { registeredSecrets } from '../../src/ops/redact.js';
import { SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { receivedSignatures } from '../../src/simulator/signedRequests.js';

/** A secret the suite must never print, with a label that names it without showing it. */
export interface KnownSecret {
  label: string;
  value: string;
}

/** A shape of credential we may not know the exact value of (a fake's token a test made up). */
export interface SecretShape {
  label: string;
  pattern: RegExp;
}

/**
 * Token shapes, from the platforms' documented formats: Slack bot/user/app tokens
 * (https://api.slack.com/concepts/token-types), Slack request signatures (`v0=` + 64 hex,
 * https://api.slack.com/authentication/verifying-requests-from-slack), Discord bot tokens (three
 * dot-separated base64url parts). A match in output means a credential the tests invented was printed.
 */
export const SECRET_SHAPES: readonly SecretShape[] = [
  { label: 'a Slack token (xoxb-/xoxp-/xoxa-/xoxe-/xapp-)', pattern: /\bxox[abpe]-[A-Za-z0-9-]{10,}|\bxapp-[A-Za-z0-9-]{10,}/ },
  { label: 'a Slack request signature (v0=...)', pattern: /\bv0=[0-9a-f]{64}\b/ },
  { label: 'a Discord bot token', pattern: /\b[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{20,}\b/ },
];

/** Shorter values are not searched: a short fake "secret" would match ordinary text. */
const MIN_LENGTH = 8;

/**
 * Every secret known at this moment: the simulator's API secret, every signature any simulator in
 * this test file received, and every value registered with `registerSecret` (config, clients, tests).
 * The API key is not secret (Binance sends it in a header anyone on the path sees) and is skipped.
 */
export function knownSecrets(): KnownSecret[] {
  const secrets: KnownSecret[] = [{ label: 'the simulator API secret', value: SIM_API_SECRET }];
  for (const value of receivedSignatures()) secrets.push({ label: 'a signature the simulator received', value });
  registeredSecrets().forEach((value, i) => {
    if (value !== SIM_API_KEY) secrets.push({ label: `registered secret #${i + 1}`, value });
  });
  return secrets.filter((s) => s.value.length >= MIN_LENGTH);
}

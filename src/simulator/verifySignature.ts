import { createHmac, createPublicKey, type KeyObject, timingSafeEqual, verify } from 'node:crypto';
import type { SimulatorAccount } from './types.js';

/**
 * Signature checks as Binance documents them
 * (https://developers.binance.com/docs/derivatives/portfolio-margin/general-info, "SIGNED Endpoint
 * Security"): the signed payload is `totalParams` = query string + request body, without the
 * `signature` parameter itself.
 * - HMAC-SHA256 keys: hex digest; "HMAC signatures are not case sensitive".
 * - RSA keys: RSASSA-PKCS1-v1_5 with SHA-256, base64 (URL-encoded on the wire; case sensitive).
 * - Ed25519 keys: Ed25519 over the payload, base64 (URL-encoded on the wire; case sensitive).
 */

/** HMAC-SHA256 of `payload` under `secret`, as lowercase hex (what a client sends as `signature`). */
export function hmacSha256Hex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const publicKeys = new Map<string, KeyObject>();

function publicKey(pem: string): KeyObject {
  let key = publicKeys.get(pem);
  if (!key) {
    key = createPublicKey(pem);
    publicKeys.set(pem, key);
  }
  return key;
}

/**
 * True when `signature` (already URL-decoded) signs `payload` for `account`. An HMAC account wants
 * hex (any case); a PEM account wants base64 by its key type (Ed25519 or RSA).
 */
export function verifySignature(account: SimulatorAccount, payload: string, signature: string): boolean {
  if (account.hmacSecret !== undefined) {
    if (!HEX_SHA256.test(signature)) return false;
    const expected = Buffer.from(hmacSha256Hex(account.hmacSecret, payload), 'hex');
    return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
  }
  if (account.publicKeyPem === undefined) return false;
  const key = publicKey(account.publicKeyPem);
  const bytes = Buffer.from(signature, 'base64');
  // Buffer's base64 decoder skips junk; re-encoding proves the text really was base64.
  if (bytes.length === 0 || bytes.toString('base64') !== signature) return false;
  const data = Buffer.from(payload, 'utf8');
  if (key.asymmetricKeyType === 'ed25519') return verify(null, data, key, bytes);
  if (key.asymmetricKeyType === 'rsa') return verify('sha256', data, key, bytes);
  return false;
}

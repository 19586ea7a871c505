import { createHmac, createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { errorCode } from '../errorCode.js';
import { registerSecret } from '../ops/redact.js';

/**
 * Signs the exact query string sent. Binance General Info (SIGNED endpoints):
 * https://developers.binance.com/docs/derivatives/portfolio-margin/general-info
 * HMAC-SHA256 → hex; RSA (RSASSA-PKCS1-v1_5 + SHA-256) and Ed25519 → base64, then URL-encoded.
 */
export interface Signer {
  /** Which key type signs. */
  readonly method: 'HMAC' | 'RSA' | 'ED25519';
  /** The value of the `signature` parameter for `payload`, already safe to append to a query string. */
  sign(payload: string): string;
}

/** Credentials: an HMAC secret, or an Ed25519/RSA private key in PEM form. */
export type SignerCredentials = { apiSecret: string } | { privateKeyPem: string };

/** Thrown when the credentials cannot sign; names the setting to fix and never quotes the key. */
export class SignerConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SignerConfigError';
  }
}

/** Builds the signer for the credentials, choosing the algorithm from the key type; registers the secret for redaction. */
export function createSigner(credentials: SignerCredentials): Signer {
  if ('apiSecret' in credentials) {
    const secret = credentials.apiSecret;
    if (!secret) throw new SignerConfigError('BINANCE_API_SECRET is empty');
    registerSecret(secret);
    return { method: 'HMAC', sign: (payload) => createHmac('sha256', secret).update(payload).digest('hex') };
  }
  registerSecret(credentials.privateKeyPem);
  const key = loadPrivateKey(credentials.privateKeyPem);
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      // Ed25519 takes no digest: node's sign() wants `null` for it.
      return { method: 'ED25519', sign: (payload) => encodeURIComponent(cryptoSign(null, Buffer.from(payload), key).toString('base64')) };
    case 'rsa':
      return {
        method: 'RSA',
        sign: (payload) => encodeURIComponent(cryptoSign('sha256', Buffer.from(payload), key).toString('base64')),
      };
    default:
      throw new SignerConfigError(
        `BINANCE_PRIVATE_KEY_PATH holds a ${key.asymmetricKeyType ?? 'unknown'} key; Binance accepts Ed25519 or RSA keys`,
      );
  }
}

function loadPrivateKey(pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    // The cause may quote the key material: keep only its code.
    const code = errorCode(error);
    throw new SignerConfigError(`BINANCE_PRIVATE_KEY_PATH is not a readable unencrypted PEM private key${code ? ` (${code})` : ''}`);
  }
}

import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256Hex, verifySignature } from '../../src/simulator/index.js';

// Binance's published HMAC examples (spot and USD-M General Info pages): [secret, payload, signature].
const VECTORS = [
  [
    'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j',
    'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559',
    'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71',
  ],
  [
    '2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9',
    'symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943',
    '3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9',
  ],
] as const;
const [SPOT_SECRET, SPOT_PAYLOAD, SPOT_SIGNATURE] = VECTORS[0];
const [, USDM_PAYLOAD] = VECTORS[1];

describe('verifySignature', () => {
  it.each(VECTORS)('reproduces and accepts Binance published HMAC vector %#', (secret, payload, signature) => {
    expect(hmacSha256Hex(secret, payload)).toBe(signature);
    const account = { apiKey: 'k', hmacSecret: secret };
    expect(verifySignature(account, payload, signature)).toBe(true);
    expect(verifySignature(account, payload, signature.toUpperCase())).toBe(true);
  });

  it('rejects an HMAC over a different payload, a truncated digest and non-hex text', () => {
    const account = { apiKey: 'k', hmacSecret: SPOT_SECRET };
    expect(verifySignature(account, SPOT_PAYLOAD.replace('quantity=1', 'quantity=2'), SPOT_SIGNATURE)).toBe(false);
    expect(verifySignature(account, SPOT_PAYLOAD, SPOT_SIGNATURE.slice(0, 63))).toBe(false);
    expect(verifySignature(account, SPOT_PAYLOAD, 'z'.repeat(64))).toBe(false);
  });

  it('verifies Ed25519 signatures (base64) and rejects tampered ones', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const account = { apiKey: 'k', publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
    const signature = sign(null, Buffer.from(USDM_PAYLOAD), privateKey).toString('base64');
    expect(verifySignature(account, USDM_PAYLOAD, signature)).toBe(true);
    expect(verifySignature(account, `${USDM_PAYLOAD}0`, signature)).toBe(false);
    // Base64 is case sensitive, unlike HMAC hex.
    expect(verifySignature(account, USDM_PAYLOAD, signature.toLowerCase())).toBe(false);
  });

  it('verifies RSA PKCS#1 v1.5 SHA-256 signatures and rejects a SHA-1 one', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const account = { apiKey: 'k', publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
    const good = sign('sha256', Buffer.from(SPOT_PAYLOAD), privateKey).toString('base64');
    const sha1 = sign('sha1', Buffer.from(SPOT_PAYLOAD), privateKey).toString('base64');
    expect(verifySignature(account, SPOT_PAYLOAD, good)).toBe(true);
    expect(verifySignature(account, SPOT_PAYLOAD, sha1)).toBe(false);
    expect(verifySignature(account, SPOT_PAYLOAD, 'not base64!')).toBe(false);
  });

  it('does not accept an HMAC hex signature for a PEM account', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const account = { apiKey: 'k', publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
    expect(verifySignature(account, SPOT_PAYLOAD, SPOT_SIGNATURE)).toBe(false);
  });
});

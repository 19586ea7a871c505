import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSigner, SignerConfigError } from '../../src/binance/createSigner.js';
import { redact } from '../../src/ops/redact.js';

// Binance's published HMAC examples (spot and USD-M General Info pages; see /work/shared/REFERENCE.md).
const SPOT = {
  secret: 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j',
  query: 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559',
  signature: 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71',
};
const USDM = {
  secret: '2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9',
  query: 'symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943',
  signature: '3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9',
};

describe('createSigner', () => {
  it.each([SPOT, USDM])('reproduces Binance HMAC vector $signature', ({ secret, query, signature }) => {
    const signer = createSigner({ apiSecret: secret });
    expect(signer.method).toBe('HMAC');
    expect(signer.sign(query)).toBe(signature);
  });

  it('registers the HMAC secret for redaction', () => {
    createSigner({ apiSecret: SPOT.secret });
    expect(redact(`secret is ${SPOT.secret}`)).not.toContain(SPOT.secret);
  });

  it('signs with Ed25519: base64, URL-encoded, verifiable with the public key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signer = createSigner({ privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    expect(signer.method).toBe('ED25519');
    const signature = signer.sign(USDM.query);
    expect(signature).not.toMatch(/[+/=]/); // URL-encoded
    const raw = Buffer.from(decodeURIComponent(signature), 'base64');
    expect(verify(null, Buffer.from(USDM.query), publicKey, raw)).toBe(true);
    expect(verify(null, Buffer.from(`${USDM.query}0`), publicKey, raw)).toBe(false);
  });

  it('signs with RSA: PKCS#1 v1.5 + SHA-256, base64, URL-encoded', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signer = createSigner({ privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    expect(signer.method).toBe('RSA');
    const raw = Buffer.from(decodeURIComponent(signer.sign(SPOT.query)), 'base64');
    expect(verify('sha256', Buffer.from(SPOT.query), publicKey, raw)).toBe(true);
  });

  it('refuses other key types and unreadable PEM, naming the setting without quoting the key', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => createSigner({ privateKeyPem: pem })).toThrow(/BINANCE_PRIVATE_KEY_PATH holds a ec key/);
    const broken = '-----BEGIN PRIVATE KEY-----\nnot a key at all 0123456789\n-----END PRIVATE KEY-----\n';
    const error = (() => {
      try {
        createSigner({ privateKeyPem: broken });
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a throw');
    })();
    expect(error).toBeInstanceOf(SignerConfigError);
    expect(error.message).toContain('BINANCE_PRIVATE_KEY_PATH');
    expect(error.message).not.toContain('not a key at all');
  });
});

import { generateKeyPairSync, sign } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PapiSimulator, SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { hmacSha256Hex, signatureIsLast, signedPayload, verifySignature } from '../../src/simulator/signedRequests.js';
import { get, type Signer, signatureFor, signedGet } from './binanceRequest.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const PATH = '/papi/v1/cm/forceOrders';
const HMAC: Signer = { apiKey: SIM_API_KEY, secret: SIM_API_SECRET };

const ed = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ED_KEY = 'E'.repeat(64);
const RSA_KEY = 'R'.repeat(64);

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

describe('SIGNED requests (General Info: signing and timing security)', () => {
  let sim: PapiSimulator;
  let now = NOW;
  beforeEach(async () => {
    now = NOW;
    sim = await PapiSimulator.start({
      now: () => now,
      accounts: [
        { apiKey: SIM_API_KEY, hmacSecret: SIM_API_SECRET },
        { apiKey: ED_KEY, publicKeyPem: ed.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
        { apiKey: RSA_KEY, publicKeyPem: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
      ],
    });
  });
  afterEach(() => sim.close());

  it('answers a correctly signed HMAC request with 200 and an array', async () => {
    const reply = await signedGet(sim.url, PATH, { timestamp: NOW }, HMAC);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual([]);
  });

  it('accepts the HMAC hex in upper case (not case sensitive)', async () => {
    const reply = await signedGet(sim.url, PATH, { timestamp: NOW }, HMAC, (s) => s.toUpperCase());
    expect(reply.status).toBe(200);
  });

  it('rejects a wrong signature with -1022 and HTTP 400', async () => {
    const reply = await signedGet(sim.url, PATH, { timestamp: NOW }, { apiKey: SIM_API_KEY, secret: 'wrong' });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ code: -1022, msg: 'Signature for this request is not valid.' });
  });

  it('signs totalParams exactly as sent: reordering after signing breaks the signature', async () => {
    const good = await signedGet(sim.url, PATH, { symbol: 'BTCUSD_PERP', timestamp: NOW }, HMAC);
    expect(good.status).toBe(200);
    const payload = `timestamp=${NOW}&symbol=BTCUSD_PERP`;
    const sig = signatureFor(HMAC, `symbol=BTCUSD_PERP&timestamp=${NOW}`);
    const reordered = await get(sim.url, `${PATH}?${payload}&signature=${sig}`, SIM_API_KEY);
    expect(reordered.json).toMatchObject({ code: -1022 });
  });

  it('wants the signature last: one that signs everything else but sits before timestamp is -1022', async () => {
    const sig = signatureFor(HMAC, `symbol=BTCUSD_PERP&timestamp=${NOW}`);
    const early = await get(sim.url, `${PATH}?symbol=BTCUSD_PERP&signature=${sig}&timestamp=${NOW}`, SIM_API_KEY);
    expect(early.status).toBe(400);
    expect(early.json).toEqual({ code: -1022, msg: 'Signature for this request is not valid.' });
    expect((await get(sim.url, `${PATH}?symbol=BTCUSD_PERP&timestamp=${NOW}&signature=${sig}`, SIM_API_KEY)).status).toBe(200);
  });

  it('accepts the signature anywhere when strictParams is off', async () => {
    const lenient = await PapiSimulator.start({ now: () => now, strictParams: false });
    try {
      const sig = signatureFor(HMAC, `symbol=BTCUSD_PERP&timestamp=${NOW}`);
      const early = await get(lenient.url, `${PATH}?signature=${sig}&symbol=BTCUSD_PERP&timestamp=${NOW}`, SIM_API_KEY);
      expect(early.status).toBe(200);
    } finally {
      await lenient.close();
    }
  });

  it('rejects a missing or unknown key with -2015 (401) and a malformed one with -2014', async () => {
    const missing = await signedGet(sim.url, PATH, { timestamp: NOW }, { secret: SIM_API_SECRET });
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({ code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' });
    const unknown = await signedGet(sim.url, PATH, { timestamp: NOW }, { apiKey: 'x'.repeat(64), secret: SIM_API_SECRET });
    expect(unknown.json).toMatchObject({ code: -2015 });
    const malformed = await signedGet(sim.url, PATH, { timestamp: NOW }, { apiKey: 'not a key!', secret: SIM_API_SECRET });
    expect(malformed.status).toBe(401);
    expect(malformed.json).toEqual({ code: -2014, msg: 'API-key format invalid.' });
  });

  it('requires timestamp (-1102) and signature (-1102)', async () => {
    const noTimestamp = await signedGet(sim.url, PATH, { symbol: 'BTCUSD_PERP' }, HMAC);
    expect(noTimestamp.status).toBe(400);
    expect(noTimestamp.json).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
    });
    const noSignature = await get(sim.url, `${PATH}?timestamp=${NOW}`, SIM_API_KEY);
    expect(noSignature.json).toMatchObject({ code: -1102 });
  });

  it('applies timing security: accepted while timestamp < server + 1000 and server - timestamp <= recvWindow', async () => {
    expect((await signedGet(sim.url, PATH, { timestamp: NOW + 999 }, HMAC)).status).toBe(200);
    const ahead = await signedGet(sim.url, PATH, { timestamp: NOW + 1000 }, HMAC);
    expect(ahead.status).toBe(400);
    expect(ahead.json).toMatchObject({ code: -1021 });
    expect((await signedGet(sim.url, PATH, { timestamp: NOW - 5000 }, HMAC)).status).toBe(200);
    const late = await signedGet(sim.url, PATH, { timestamp: NOW - 5001 }, HMAC);
    expect(late.json).toEqual({ code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' });
    const widened = await signedGet(sim.url, PATH, { recvWindow: 60000, timestamp: NOW - 60000 }, HMAC);
    expect(widened.status).toBe(200);
  });

  it('rejects recvWindow above 60000', async () => {
    const reply = await signedGet(sim.url, PATH, { recvWindow: 60001, timestamp: NOW }, HMAC);
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ code: -1131 });
  });

  it('moves the server clock with setClockSkew: a client on the old time gets -1021', async () => {
    sim.setClockSkew(3 * 60_000);
    const reply = await signedGet(sim.url, PATH, { timestamp: NOW }, HMAC);
    expect(reply.json).toMatchObject({ code: -1021 });
    const time = await get(sim.url, '/fapi/v1/time');
    expect(time.json).toEqual({ serverTime: NOW + 3 * 60_000 });
  });

  it('accepts Ed25519 and RSA accounts whose base64 signature is URL-encoded in the query', async () => {
    for (const signer of [
      { apiKey: ED_KEY, privateKey: ed.privateKey },
      { apiKey: RSA_KEY, privateKey: rsa.privateKey },
    ]) {
      const reply = await signedGet(sim.url, PATH, { symbol: 'BTCUSD_PERP', timestamp: NOW }, signer);
      expect(reply.status).toBe(200);
      const wrongKey = await signedGet(
        sim.url,
        PATH,
        { timestamp: NOW },
        { ...signer, privateKey: generateKeyPairSync('ed25519').privateKey },
      );
      expect(wrongKey.json).toMatchObject({ code: -1022 });
    }
  });
});

describe('signedPayload (totalParams)', () => {
  it('is the query string followed by the body, each without its signature segment', () => {
    expect(signedPayload('symbol=BTCUSD_PERP&timestamp=1&signature=ab', 'limit=5')).toBe('symbol=BTCUSD_PERP&timestamp=1limit=5');
    expect(signedPayload('', 'timestamp=1&signature=ab')).toBe('timestamp=1');
    // Only a parameter named exactly `signature` is removed.
    expect(signedPayload('xsignature=1&timestamp=2', '')).toBe('xsignature=1&timestamp=2');
  });
});

describe('signatureIsLast', () => {
  it('looks at the end of the query string, or of the body when the query carries no signature', () => {
    expect(signatureIsLast('a=1&timestamp=2&signature=ab', '')).toBe(true);
    expect(signatureIsLast('a=1&signature=ab&timestamp=2', '')).toBe(false);
    expect(signatureIsLast('a=1', 'timestamp=2&signature=ab')).toBe(true);
    expect(signatureIsLast('a=1', 'signature=ab&timestamp=2')).toBe(false);
    expect(signatureIsLast('xsignature=1', '')).toBe(false);
    expect(signatureIsLast('', '')).toBe(false);
  });
});

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

import { createHmac, createPublicKey, type KeyObject, timingSafeEqual, verify } from 'node:crypto';
import { binanceErrors } from './errors.js';
import type { SimulatorAccount } from './types.js';
import { readTiming } from './validateParams.js';

/**
 * SIGNED requests as Binance documents them
 * (https://developers.binance.com/docs/derivatives/portfolio-margin/general-info, "SIGNED Endpoint
 * Security"), and the record of every signature received (for the suite's secret-leak check).
 * The signed payload is `totalParams` = query string + request body, without the
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

/** What a SIGNED (USER_DATA) request brings, as received. */
export interface SignedRequest {
  /** The `X-MBX-APIKEY` header. */
  apiKey: string | undefined;
  /** Query string exactly as sent, without the leading `?`. */
  rawQuery: string;
  /** Request body exactly as sent. */
  body: string;
  /** Parsed parameters (query wins over body). */
  params: Record<string, string>;
}

/** Binance keys are 64 alphanumerics; anything else in the header is -2014, not -2015. */
const KEY_SHAPE = /^[A-Za-z0-9]{64}$/;

/** `totalParams`: query string concatenated with body, each without its `signature=` segment. */
export function signedPayload(rawQuery: string, body: string): string {
  const strip = (text: string) =>
    text
      .split('&')
      .filter((segment) => segment !== '' && !segment.startsWith('signature='))
      .join('&');
  return strip(rawQuery) + strip(body);
}

/**
 * True when `signature` is the last parameter of the query string, or of the body when the query has none:
 * "Please make sure the signature is the end part of your query string or request body" (General Info).
 */
export function signatureIsLast(rawQuery: string, body: string): boolean {
  const segments = (text: string) => text.split('&').filter((segment) => segment !== '');
  const part = segments(rawQuery).some((segment) => segment.startsWith('signature=')) ? rawQuery : body;
  return segments(part).at(-1)?.startsWith('signature=') ?? false;
}

/**
 * Checks a SIGNED request in the order Binance's General Info describes: API key, mandatory
 * `timestamp`, `recvWindow` bound, signature, then timing security — accepted only when
 * `timestamp < serverTime + 1000` and `serverTime - timestamp <= recvWindow`. Throws the Binance
 * error for the first failure; returns the account. With `signatureLast`, a signature that is not the
 * last parameter is -1022: the docs ask for it last without naming the error; -1022 is what clients
 * that sent it elsewhere reported (binance/binance-api-postman's README lists it among -1022's causes,
 * Binance-docs/Binance_Futures_python#24), so this is the documented rule with the reported answer.
 * Docs: https://developers.binance.com/docs/derivatives/portfolio-margin/general-info
 */
export function authenticateSigned(
  accounts: readonly SimulatorAccount[],
  request: SignedRequest,
  serverNow: number,
  options: { signatureLast: boolean },
): SimulatorAccount {
  const { apiKey, params } = request;
  const account = apiKey === undefined ? undefined : accounts.find((a) => a.apiKey === apiKey);
  if (!account) {
    if (apiKey !== undefined && apiKey !== '' && !KEY_SHAPE.test(apiKey)) throw binanceErrors.badApiKeyFormat();
    throw binanceErrors.rejectedApiKey();
  }
  const { timestamp, recvWindow } = readTiming(params);
  const signature = params.signature;
  if (signature === undefined || signature === '') throw binanceErrors.mandatoryMissing('signature');
  if (options.signatureLast && !signatureIsLast(request.rawQuery, request.body)) throw binanceErrors.badSignature();
  if (!verifySignature(account, signedPayload(request.rawQuery, request.body), signature)) {
    throw binanceErrors.badSignature();
  }
  if (timestamp >= serverNow + 1000) throw binanceErrors.aheadOfServer();
  if (serverNow - timestamp > recvWindow) throw binanceErrors.outsideRecvWindow();
  return account;
}

/**
 * Every `signature` any simulator in this process has received, as sent (URL-encoded) and decoded.
 * Module-level on purpose: the suite-wide secret-leak check (test/setup) reads it after each test
 * file to prove no signature was printed, without every test having to hand its simulator over.
 */
const received = new Set<string>();

/** Records the `signature` parameter of one request (nothing when the request carried none). */
export function recordSignature(signature: string | undefined): void {
  if (!signature) return;
  received.add(signature);
  received.add(encodeURIComponent(signature));
}

/** The signatures received so far, read-only. */
export function receivedSignatures(): ReadonlySet<string> {
  return received;
}

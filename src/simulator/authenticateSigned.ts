import { binanceErrors } from './binanceErrors.js';
import type { SimulatorAccount } from './types.js';
import { readTiming } from './validateParams.js';
import { verifySignature } from './verifySignature.js';

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
 * Checks a SIGNED request in the order Binance's General Info describes: API key, mandatory
 * `timestamp`, `recvWindow` bound, signature, then timing security — accepted only when
 * `timestamp < serverTime + 1000` and `serverTime - timestamp <= recvWindow`. Throws the Binance
 * error for the first failure; returns the account.
 * Docs: https://developers.binance.com/docs/derivatives/portfolio-margin/general-info
 */
export function authenticateSigned(accounts: readonly SimulatorAccount[], request: SignedRequest, serverNow: number): SimulatorAccount {
  const { apiKey, params } = request;
  const account = apiKey === undefined ? undefined : accounts.find((a) => a.apiKey === apiKey);
  if (!account) {
    if (apiKey !== undefined && apiKey !== '' && !KEY_SHAPE.test(apiKey)) throw binanceErrors.badApiKeyFormat();
    throw binanceErrors.rejectedApiKey();
  }
  const { timestamp, recvWindow } = readTiming(params);
  const signature = params.signature;
  if (signature === undefined || signature === '') throw binanceErrors.mandatoryMissing('signature');
  if (!verifySignature(account, signedPayload(request.rawQuery, request.body), signature)) {
    throw binanceErrors.badSignature();
  }
  if (timestamp >= serverNow + 1000) throw binanceErrors.aheadOfServer();
  if (serverNow - timestamp > recvWindow) throw binanceErrors.outsideRecvWindow();
  return account;
}

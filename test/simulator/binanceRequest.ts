import { createHmac, type KeyObject, sign } from 'node:crypto';

/**
 * A tiny Binance caller written from the docs alone (not from forcewatch's client), so the
 * simulator is checked against Binance's rules rather than against our own code:
 * https://developers.binance.com/docs/derivatives/portfolio-margin/general-info ("SIGNED Endpoint Security").
 */
export interface Signer {
  apiKey?: string;
  /** HMAC secret: hex signature. */
  secret?: string;
  /** Ed25519 or RSA private key: base64 signature, URL-encoded. */
  privateKey?: KeyObject;
}

/** What came back. */
export interface BinanceReply {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** Query string from params in the given order (values URL-encoded as a form would). */
function queryString(params: Record<string, string | number>): string {
  return new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
}

/** The `signature` value for `payload`, as a client would compute it from the docs. */
export function signatureFor(signer: Signer, payload: string): string {
  if (signer.secret !== undefined) return createHmac('sha256', signer.secret).update(payload).digest('hex');
  if (!signer.privateKey) throw new Error('signer needs a secret or a private key');
  const algorithm = signer.privateKey.asymmetricKeyType === 'rsa' ? 'sha256' : null;
  return sign(algorithm, Buffer.from(payload), signer.privateKey).toString('base64');
}

/** GET `path` with `params` signed by `signer` (`signature` appended last). */
export async function signedGet(
  baseUrl: string,
  path: string,
  params: Record<string, string | number>,
  signer: Signer,
  tamper?: (signature: string) => string,
): Promise<BinanceReply> {
  const payload = queryString(params);
  let signature = signatureFor(signer, payload);
  if (tamper) signature = tamper(signature);
  return get(baseUrl, `${path}?${payload}&signature=${encodeURIComponent(signature)}`, signer.apiKey);
}

/** Plain GET with an optional `X-MBX-APIKEY`. */
export async function get(baseUrl: string, pathAndQuery: string, apiKey?: string): Promise<BinanceReply> {
  const response = await fetch(`${baseUrl}${pathAndQuery}`, {
    headers: apiKey !== undefined ? { 'X-MBX-APIKEY': apiKey } : {},
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

import { BinanceError } from '../binance/BinanceError.js';

const API_MANAGEMENT = 'Binance → Account → API Management';

/**
 * Error codes turned into what to change on Binance's API-management page or this host.
 * Codes: https://developers.binance.com/docs/derivatives/portfolio-margin/error-code
 */
const BY_CODE: Record<number, string> = {
  [-2015]:
    `${API_MANAGEMENT}: check that BINANCE_API_KEY is this account's key, that this host's public IP is on the key's ` +
    '"Restrict access to trusted IPs only" list, and that the key has "Enable Reading"; the key must be created ' +
    'after Portfolio Margin was enabled on the account',
  [-2014]: 'BINANCE_API_KEY is not a Binance API key (64 letters and digits): copy it again from API Management, without quotes or spaces',
  [-1022]:
    'the signature was refused: BINANCE_API_SECRET must be the secret shown when this key was created (for an Ed25519/RSA key, ' +
    'BINANCE_PRIVATE_KEY_PATH must be the private key whose public key was registered); if the secret is lost, delete the key and create a new one',
  [-4056]:
    'the key type does not match how requests are signed: an HMAC key needs BINANCE_API_SECRET, an Ed25519/RSA key BINANCE_PRIVATE_KEY_PATH',
  [-4057]:
    "BINANCE_PRIVATE_KEY_PATH does not match the public key registered for BINANCE_API_KEY: register this key's public key, or point to the right file",
  [-1021]:
    "this host's clock is too far from Binance's: turn on time sync (timedatectl set-ntp true, or chrony), or raise BINANCE_RECV_WINDOW (at most 60000)",
};

/** What an operator should change after the Binance client threw `error`. */
export function binanceAdvice(error: unknown, url: string): string {
  if (BinanceError.isApiError(error)) {
    // A 418 ban and a 429 both carry -1003; the status says which.
    if (error.status === 429 || error.status === 418) return rateLimitAdvice(error.status);
    const advice = BY_CODE[error.code];
    if (advice) return advice;
    return `Binance refused the request (${error.code}): see https://developers.binance.com/docs/derivatives/portfolio-margin/error-code`;
  }
  if (BinanceError.isHttpError(error)) {
    if (error.status === 429 || error.status === 418) return rateLimitAdvice(error.status);
    if (error.status === 403)
      return "Binance's firewall refused this host (HTTP 403): check the host's IP is not blocked and that no proxy rewrites the request";
    if (error.status === 404) return `${url} does not serve this endpoint: check BINANCE_PAPI_URL and BINANCE_FAPI_URL`;
    return `Binance answered HTTP ${error.status}: run again in a few minutes; check https://www.binance.com/en/support/announcement for maintenance`;
  }
  if (BinanceError.isNetworkError(error)) {
    return `cannot reach ${url}: check this host's network, DNS, firewall or proxy, and BINANCE_PAPI_URL/BINANCE_FAPI_URL`;
  }
  return 'unexpected failure: run again with LOG_LEVEL=debug and report it';
}

function rateLimitAdvice(status: 429 | 418): string {
  return status === 418
    ? 'Binance has banned this IP for a while (HTTP 418) after repeated 429s: wait for the ban to end (2 minutes up to 3 days) and make sure only one forcewatch polls from this IP'
    : 'rate limit hit (HTTP 429): wait a minute and run again; something else on this IP may be using the request weight';
}

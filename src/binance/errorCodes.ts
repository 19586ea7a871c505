/**
 * What Binance's error codes mean for us: whether to retry, whether it is fatal, and what a person should check.
 * Codes are stable, messages vary: https://developers.binance.com/docs/derivatives/portfolio-margin/error-code
 */

/** How a Binance error code is handled. */
export type BinanceErrorCategory = 'auth' | 'parameter' | 'timestamp' | 'rateLimit' | 'transient' | 'other';

/** A code's category, whether a retry can help, and advice for the operator. */
export interface ErrorCodeInfo {
  category: BinanceErrorCategory;
  retryable: boolean;
  /** What to check, for auth errors; empty otherwise. */
  hint: string;
  /** The parameter at fault, when the code itself says (e.g. -1023 is about the time range). */
  parameter?: string;
}

const KEY_SETTINGS = 'check BINANCE_API_KEY';
const SIGNING_SETTINGS = 'check BINANCE_API_SECRET (HMAC keys) or BINANCE_PRIVATE_KEY_PATH (Ed25519/RSA keys)';

/** Auth failures: nothing a retry can fix, the operator must change a setting. */
const AUTH: Record<number, string> = {
  [-2014]: `API key format invalid: ${KEY_SETTINGS}`,
  [-2015]: `API key invalid, IP not on the key's allow-list, or the key lacks the "Enable Portfolio Margin" permission: ${KEY_SETTINGS}, the key's IP allow-list and its permissions`,
  [-1022]: `signature refused: ${SIGNING_SETTINGS}, and that the secret belongs to BINANCE_API_KEY`,
  [-4056]: `the key type does not match the signing method: ${SIGNING_SETTINGS}`,
  [-4057]: `the public key registered for BINANCE_API_KEY does not match the private key: check BINANCE_PRIVATE_KEY_PATH`,
};

/** Parameter problems with a fixed parameter; -1102/-1130 name theirs in the message. */
const PARAMETER: Record<number, string | undefined> = {
  [-1102]: undefined,
  [-1130]: undefined,
  [-1023]: 'startTime/endTime',
  [-1127]: 'startTime/endTime',
  [-4165]: 'startTime/endTime',
  [-1100]: undefined,
  [-1101]: undefined,
  [-1103]: undefined,
  [-1104]: undefined,
  [-1105]: undefined,
  [-1106]: undefined,
  [-1121]: 'symbol',
  [-1128]: undefined,
};

/** Unknown error / disconnected / timeout / unexpected response / server busy: the request may succeed again. */
const TRANSIENT = new Set([-1000, -1001, -1006, -1007, -1008]);

/** Classifies a Binance error code. `msg` is read only to find a parameter name it quotes. */
export function describeErrorCode(code: number, msg: string): ErrorCodeInfo {
  const auth = AUTH[code];
  if (auth) return { category: 'auth', retryable: false, hint: auth };
  if (code in PARAMETER) {
    const quoted = /'([A-Za-z]+)'/.exec(msg)?.[1];
    const parameter = PARAMETER[code] ?? quoted;
    return { category: 'parameter', retryable: false, hint: '', ...(parameter ? { parameter } : {}) };
  }
  if (code === -1021) return { category: 'timestamp', retryable: true, hint: '' };
  // -1003: too many requests (or "banned until"); the limiter waits, then a retry can succeed.
  if (code === -1003) return { category: 'rateLimit', retryable: true, hint: '' };
  if (TRANSIENT.has(code)) return { category: 'transient', retryable: true, hint: '' };
  return { category: 'other', retryable: false, hint: '' };
}

import { registerSecret } from '../ops/redact.js';
import type { BinanceHttpClient } from './BinanceHttpClient.js';
import { BinanceResponseError } from './errors.js';

/**
 * The Portfolio Margin user data stream's REST side, `POST`/`PUT`/`DELETE /papi/v1/listenKey`: security
 * USER_STREAM (the API key header, no signature), weight 1 each, no parameters (PM's keepalive and close
 * act on the account's live key; they name none).
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Start-User-Data-Stream
 * (and Keepalive-User-Data-Stream, Close-User-Data-Stream beside it)
 */
const LISTEN_KEY_PATH = '/papi/v1/listenKey';
/** "Request Weight: 1" on all three. */
export const LISTEN_KEY_WEIGHT = 1;
/**
 * What a listenKey may look like before it goes into the stream's URL: Binance's are 60 to 64
 * alphanumerics; anything else (markup, a path, a query) is refused as a body off the schema.
 */
const LISTEN_KEY_SHAPE = /^[A-Za-z0-9]{16,128}$/;

/**
 * The listenKey endpoints over the signed client's transport and PAPI weight limiter; matches the
 * stream's `ListenKeyPort`. Each key is registered as a secret the moment it arrives (whoever holds it
 * reads the account's orders), so a log line or error that quotes it is scrubbed. Errors are the
 * client's own: a gone key is a `BinanceApiError` with `code` -1125, a refused API key one whose
 * `fatal` is true.
 */
export class ListenKeyClient {
  constructor(
    private readonly http: BinanceHttpClient,
    private readonly papiUrl: string,
  ) {}

  /** `POST`: a listenKey valid 60 minutes (the account's live key again, extended, if it has one). */
  async create(): Promise<string> {
    const body = await this.send('POST');
    const key = (body as { listenKey?: unknown } | null)?.listenKey;
    if (typeof key !== 'string' || !LISTEN_KEY_SHAPE.test(key)) {
      throw new BinanceResponseError(`${LISTEN_KEY_PATH}: listenKey is not a string of 16 to 128 letters and digits`, {
        path: LISTEN_KEY_PATH,
      });
    }
    registerSecret(key);
    return key;
  }

  /** `PUT`: extends the account's live key by 60 minutes; -1125 when it has none. The key is not sent: PM names none. */
  async keepAlive(_key: string): Promise<void> {
    await this.send('PUT');
  }

  /** `DELETE`: closes the account's stream and invalidates its key. */
  async close(_key: string): Promise<void> {
    await this.send('DELETE');
  }

  private send(method: 'POST' | 'PUT' | 'DELETE'): Promise<unknown> {
    return this.http.get({ baseUrl: this.papiUrl, path: LISTEN_KEY_PATH, method, signed: false, apiKey: true, weight: LISTEN_KEY_WEIGHT });
  }
}

import http from 'node:http';
import https from 'node:https';
import nodeFetch from 'node-fetch';
import { type BackoffOptions, backoffCeiling, backoffDelay } from '../backoff.js';
import { errorCode, errorMessage } from '../errorCode.js';
import { type Logger, silentLogger } from '../ops/logger.js';
import { type Clock, systemClock } from '../time.js';
import type { Signer } from './createSigner.js';
import { BinanceApiError, BinanceError, BinanceHttpError, BinanceNetworkError, BinanceResponseError } from './errors.js';
import type { BinanceApi, ReportUsedWeight, WeightLimiter } from './WeightLimiter.js';

/** The part of a fetch response the client reads (node-fetch 3 and the global fetch both fit). */
interface FetchResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** A fetch function: node-fetch 3 by default, injectable for tests. */
export type FetchLike = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    signal: AbortSignal;
    /** Always `manual`: a redirect is answered as an error, never followed (see `redirectError`). */
    redirect: 'manual';
    agent?: (url: URL) => http.Agent;
  },
) => Promise<FetchResponseLike>;

/** One request: where, what, how heavy. */
interface BinanceRequest {
  /** Base URL, e.g. `https://papi.binance.com`. */
  baseUrl: string;
  /** Path, e.g. `/papi/v1/cm/forceOrders`. */
  path: string;
  /** Query parameters in the order they are sent; undefined values are left out. */
  params?: Record<string, string | number | undefined>;
  /** Adds `recvWindow`, `timestamp`, the API key header and `signature`. */
  signed: boolean;
  /**
   * Sends the API key header without signing (Binance's USER_STREAM security: the listenKey endpoints);
   * implied by `signed`.
   */
  apiKey?: boolean;
  /** Default GET. Every method sent must be safe to repeat: the retries below resend it as it is. */
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Request weight Binance charges. */
  weight: number;
  signal?: AbortSignal;
  /** Incremented by every request actually sent (retries included), to report what a call cost. */
  cost?: RequestCost;
  /** Filled with when the last attempt was sent and its answer's headers arrived (local clock). */
  timing?: { sentAt: number; receivedAt: number };
}

/** Weight and requests a call spent. */
export interface RequestCost {
  weight: number;
  requests: number;
}

/** Options of `BinanceHttpClient`. */
interface BinanceHttpClientOptions {
  apiKey: string;
  signer: Signer;
  /**
   * One limiter per API: a request's path says which (`/papi/…`, `/fapi/…`, `/dapi/…`). Possibly shared with
   * other clients (a `WeightBudget`): this client is one requester of them, served in turn with the others.
   */
  limiters: Readonly<Record<BinanceApi, WeightLimiter>>;
  /** Called with each `X-MBX-USED-WEIGHT-1M` an answer carries, and the API it counts for (e.g. for a gauge). */
  onUsedWeight?: (api: BinanceApi, usedWeight: number) => void;
  /** Base URL serving `GET /fapi/v1/time`. */
  fapiUrl: string;
  /** Accepted lateness of a signed request at Binance, ms (max 60 000). */
  recvWindow: number;
  /** Per-request timeout, ms. */
  requestTimeoutMs: number;
  /** Attempts per request before the error surfaces. */
  maxAttempts: number;
  backoff?: BackoffOptions;
  clock?: Clock;
  logger?: Logger;
  fetch?: FetchLike;
}

/**
 * The used-weight header. Docs spell it X-MBX-USED-WEIGHT-(intervalNum)(intervalLetter); futures servers send
 * `x-mbx-used-weight-1m` (https://github.com/ccxt/node-binance-api/issues/440,
 * https://github.com/binance/binance-connector-python/pull/28). Header names are case-insensitive and
 * `Headers.get` ignores case, so either spelling is read.
 */
const USED_WEIGHT_HEADER = 'x-mbx-used-weight-1m';

/**
 * Signed and unsigned requests against Binance with the clock offset, weight limiting, timeouts and retries.
 * Each request either only reads or is idempotent (the listenKey POST returns the account's live key, PUT
 * extends it, DELETE closes it), so repeating one after a network error, timeout or 5xx is safe.
 */
export class BinanceHttpClient {
  private readonly options: BinanceHttpClientOptions;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly fetch: FetchLike;
  private readonly agents = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
  };
  private offsetMs = 0;
  /** Aborted by `close()`: this client's requests still waiting for a shared limiter give up. */
  private readonly closed = new AbortController();

  constructor(options: BinanceHttpClientOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.fetch = options.fetch ?? (nodeFetch as unknown as FetchLike);
  }

  /** Binance's current time by our clock and the measured offset. */
  serverNow(): number {
    return this.clock.now() + this.offsetMs;
  }

  /**
   * Measures the clock offset from `GET /fapi/v1/time` (PAPI has no time endpoint), halving the round trip.
   * https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Check-Server-Time
   */
  async sync(signal?: AbortSignal): Promise<number> {
    const path = '/fapi/v1/time';
    // Timed around the answered request only: queueing, pauses and failed attempts are not round trip.
    const timing = { sentAt: 0, receivedAt: 0 };
    const body = await this.get({ baseUrl: this.options.fapiUrl, path, signed: false, weight: 1, signal, timing });
    const serverTime = (body as { serverTime?: unknown } | null)?.serverTime;
    if (typeof serverTime !== 'number' || !Number.isSafeInteger(serverTime)) {
      throw new BinanceResponseError(`${path}: serverTime is not an integer`, { path });
    }
    this.offsetMs = serverTime - Math.round((timing.sentAt + timing.receivedAt) / 2);
    this.logger.debug('binance clock offset measured', { offsetMs: this.offsetMs, roundTripMs: timing.receivedAt - timing.sentAt });
    return this.offsetMs;
  }

  /** Sends `request` (a GET unless it says otherwise) and parses JSON, retrying what can be retried; a -1021 (clock drift) resyncs once and retries once. */
  async get(request: BinanceRequest): Promise<unknown> {
    let resynced = false;
    const admission = request.signal ? AbortSignal.any([request.signal, this.closed.signal]) : this.closed.signal;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const limiter = this.options.limiters[apiOf(request.path)];
        return await limiter.run(request.weight, (report) => this.send(request, report, attempt), admission, this);
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason;
        const timestamp = BinanceError.isApiError(error) && error.category === 'timestamp';
        if (timestamp && !resynced) {
          resynced = true;
          this.logger.warn('binance refused our timestamp (-1021): resyncing the clock offset', { path: request.path });
          await this.sync(request.signal);
          attempt -= 1; // the resync's retry is extra, not one of the bounded attempts
        } else if (timestamp || !(error instanceof BinanceError) || !error.retryable || attempt >= this.options.maxAttempts) {
          // A second -1021 right after a resync means the clock keeps jumping: surface it, the caller's next call resyncs again.
          throw error;
        } else if (!isRateLimit(error)) {
          // Rate limits already paused the limiter; other failures back off here.
          const delay = backoffDelay(attempt, this.options.backoff);
          this.logger.warn('binance request failed, retrying', { path: request.path, attempt, delayMs: delay, error });
          await this.clock.sleep(delay, request.signal);
        }
      }
    }
  }

  /** Refuses this client's requests still waiting for admission and closes idle keep-alive sockets; call on shutdown. */
  close(): void {
    this.closed.abort(new Error('the Binance client is closed'));
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async send(request: BinanceRequest, report: ReportUsedWeight, attempt: number): Promise<unknown> {
    const { path, cost } = request;
    const api = apiOf(path);
    if (cost) {
      cost.weight += request.weight;
      cost.requests += 1;
    }
    const url = this.buildUrl(request);
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (request.signed || request.apiKey) headers['X-MBX-APIKEY'] = this.options.apiKey;
    let status: number;
    let text: string;
    try {
      const sentAt = this.clock.now();
      const response = await this.fetch(url, {
        method: request.method ?? 'GET',
        headers,
        signal,
        redirect: 'manual',
        agent: (target) => (target.protocol === 'http:' ? this.agents.http : this.agents.https),
      });
      status = response.status;
      if (request.timing) Object.assign(request.timing, { sentAt, receivedAt: this.clock.now() });
      if (status >= 300 && status < 400) {
        // Nothing of a redirect is trusted, not even its weight header; its body is drained, not awaited.
        response.text().catch(() => {});
        throw redirectError(status, response.headers.get('location'), url, path);
      }
      const usedWeight = parseUsedWeight(response.headers.get(USED_WEIGHT_HEADER));
      report(usedWeight);
      if (usedWeight !== undefined) this.reportUsedWeight(api, usedWeight);
      const retryAfter = response.headers.get('retry-after');
      text = await response.text();
      this.handleRateLimit(status, retryAfter, text, path, attempt);
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      if (error instanceof BinanceError) throw error;
      const timedOut = timeout.aborted;
      scrubUrl(error, url, path);
      throw new BinanceNetworkError(
        timedOut ? `${path}: no answer within ${this.options.requestTimeoutMs} ms` : `${path}: connection failed (${describe(error)})`,
        { path, timedOut, cause: error },
      );
    }
    return interpret(status, text, path);
  }

  private buildUrl(request: BinanceRequest): string {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(request.params ?? {})) {
      if (value !== undefined) query.append(key, String(value));
    }
    if (request.signed) {
      query.append('recvWindow', String(this.options.recvWindow));
      query.append('timestamp', String(this.serverNow()));
    }
    let qs = query.toString();
    // The signature covers exactly the query string sent, and goes last.
    if (request.signed) qs += `&signature=${this.options.signer.sign(qs)}`;
    return `${request.baseUrl.replace(/\/+$/, '')}${request.path}${qs ? `?${qs}` : ''}`;
  }

  /** Hands a used weight to `onUsedWeight`; a failing hook is logged, never taken for a failed request. */
  private reportUsedWeight(api: BinanceApi, usedWeight: number): void {
    try {
      this.options.onUsedWeight?.(api, usedWeight);
    } catch (error) {
      this.logger.warn('onUsedWeight failed; ignored', { api, error });
    }
  }

  /**
   * 429: limit broken, pause every request to that API (Retry-After when sent, else backoff). 418: the IP is
   * banned there (for ignoring 429s); pause until the ban ends. Binance limits each API apart, so the other
   * APIs carry on. https://developers.binance.com/docs/derivatives/portfolio-margin/general-info
   */
  private handleRateLimit(status: number, retryAfter: string | null, body: string, path: string, attempt: number): void {
    if (status !== 429 && status !== 418) return;
    const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
    // -1003's message may say "banned until 1659146729424" (Binance's time) when no Retry-After is sent.
    const bannedUntil = Number(/banned until (\d{13})/i.exec(body)?.[1] ?? Number.NaN) - this.offsetMs;
    const waitMs =
      Number.isFinite(seconds) && seconds >= 0
        ? seconds * 1000
        : Number.isFinite(bannedUntil)
          ? Math.max(0, bannedUntil - this.clock.now())
          : backoffCeiling(attempt, { baseMs: 1000, capMs: 60_000 });
    const until = this.clock.now() + waitMs;
    const api = apiOf(path);
    this.options.limiters[api].pause(until);
    if (status === 418) {
      this.logger.error(`BINANCE HAS BANNED THIS IP (HTTP 418): every ${api} request is paused until the ban ends`, {
        path,
        bannedUntil: new Date(until).toISOString(),
        waitMs,
      });
    } else {
      this.logger.warn(`binance rate limit hit (HTTP 429): pausing every ${api} request`, { path, waitMs });
    }
  }
}

/** The API a path belongs to, by its first segment; every path the client sends is one of them. */
function apiOf(path: string): BinanceApi {
  const api = /^\/(papi|fapi|dapi)\//.exec(path)?.[1];
  if (api === undefined) throw new TypeError(`${path} belongs to no Binance API the client budgets for`);
  return api as BinanceApi;
}

/** The setting that names each API's base URL. */
const URL_SETTING: Record<BinanceApi, string> = { papi: 'BINANCE_PAPI_URL', fapi: 'BINANCE_FAPI_URL', dapi: 'BINANCE_DAPI_URL' };

/**
 * A 3xx is refused, not followed: a redirect would carry the API key header and a validly signed query to
 * whatever host it names. The error names that host only (the Location may repeat our signed query), is
 * not worth retrying (the same request meets the same redirect), and is not fatal (the next poll may meet
 * Binance again, e.g. after a captive portal or a proxy's misrule is gone).
 */
function redirectError(status: number, location: string | null, url: string, path: string): BinanceHttpError {
  const setting = URL_SETTING[apiOf(path)];
  const advice = `not followed, as it would take the API key and the signed request elsewhere: check that ${setting} is Binance's own address and that no proxy in between redirects`;
  let target = 'without a Location';
  if (location !== null) {
    try {
      target = `to ${new URL(location, url).host || 'an address with no host'}`;
    } catch {
      target = 'to an unreadable Location';
    }
  }
  return new BinanceHttpError(`${path}: HTTP ${status} redirect ${target}, ${advice}`, { status, retryable: false, path });
}

/** Turns a complete answer into JSON or a typed error. */
function interpret(status: number, text: string, path: string): unknown {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    if (status === 403) {
      throw new BinanceHttpError(`${path}: HTTP 403, refused by Binance's web application firewall`, { status, retryable: false, path });
    }
    // A truncated or HTML body at 200/5xx is a proxy or a cut connection: the next try may be whole.
    const retryable = status < 400 || status >= 500 || status === 429 || status === 418;
    throw new BinanceHttpError(`${path}: HTTP ${status} with a body that is not JSON (${text.length} bytes)`, {
      status,
      retryable,
      path,
      cause: error,
    });
  }
  // Some endpoints answer 200 with {code: 200 or 0, msg: "success"}; only a failing status or a negative code is an error.
  if (isBinanceErrorBody(body) && (status !== 200 || body.code < 0)) {
    throw new BinanceApiError(body.code, body.msg, { status, path });
  }
  if (status !== 200) {
    throw new BinanceHttpError(`${path}: unexpected HTTP ${status}`, {
      status,
      retryable: status >= 500 || status === 429 || status === 418,
      path,
    });
  }
  return body;
}

function isBinanceErrorBody(body: unknown): body is { code: number; msg: string } {
  return (
    typeof body === 'object' &&
    body !== null &&
    'code' in body &&
    typeof body.code === 'number' &&
    'msg' in body &&
    typeof body.msg === 'string'
  );
}

function isRateLimit(error: BinanceError): boolean {
  const status = BinanceError.isApiError(error) || BinanceError.isHttpError(error) ? error.status : 0;
  return status === 429 || status === 418;
}

function parseUsedWeight(header: string | null): number | undefined {
  if (header === null) return undefined;
  const value = Number(header);
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function describe(error: unknown): string {
  const code = errorCode(error);
  return typeof code === 'string' ? code : errorMessage(error);
}

/** fetch errors quote the URL, which carries the signature: rewrite it to the bare path throughout the cause chain. */
function scrubUrl(error: unknown, url: string, path: string): void {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) {
    e.message = e.message.split(url).join(path);
    if (e.stack) e.stack = e.stack.split(url).join(path);
  }
}

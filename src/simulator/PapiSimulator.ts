import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../time.js';
import { ACCOUNT_INFORMATION_ROUTE, type AccountRisk } from './accountRisk.js';
import { ADL_QUANTILE_ROUTES, type AdlQuantiles } from './adlQuantile.js';
import { binanceErrors, SimBinanceError } from './errors.js';
import { FaultQueue } from './FaultQueue.js';
import { MARGIN_FORCE_ORDERS_ROUTE, type MarginForceOrders } from './marginForceOrders.js';
import { firstOrderIds } from './OrderGenerator.js';
import { PmUserStream } from './PmUserStream.js';
import { apiOfPath, ROUTES, type Route, type SelectionBehaviour } from './routes.js';
import { SimAccount, type SimBurstOptions, type SimStreamOptions } from './SimAccount.js';
import { authenticateSigned, recordSignature } from './signedRequests.js';
import type {
  PapiSimulatorOptions,
  RawForceOrderWire,
  SimApi,
  SimFault,
  SimMarket,
  SimOrderInput,
  SimRequestLog,
  SimulatorAccount,
} from './types.js';
import { readParams, requireAllRead } from './validateParams.js';
import { WeightLimiter } from './WeightLimiter.js';

/** API key of the default simulator account: 64 characters like a real key, obviously fake. */
export const SIM_API_KEY = 'SIMULATORxAPIxKEYxNOTxREALx0000000000000000000000000000000000000';

/** HMAC secret of the default simulator account: 64 characters, obviously fake. */
export const SIM_API_SECRET = 'SIMULATORxSECRETxNOTxREALx00000000000000000000000000000000000000';

/** Binance's own header for the weight used this minute; header names are case-insensitive (RFC 9110). */
const USED_WEIGHT_HEADER = 'X-MBX-USED-WEIGHT-1m';

/**
 * Each API's documented IP weight limit per minute: PAPI's General Info ("IP Limits"), the REQUEST_WEIGHT
 * entry of fapi's and dapi's exchangeInfo, and spot's exchangeInfo. What a scripted 429 quotes, too.
 */
const DEFAULT_WEIGHT_LIMITS: Readonly<Record<SimApi, number>> = { papi: 6000, fapi: 2400, dapi: 2400, api: 6000 };

/** The parameters every SIGNED endpoint reads besides its own (General Info, "SIGNED Endpoint Security"). */
const SIGNED_PARAMS = ['recvWindow', 'timestamp', 'signature'];

/**
 * A local Binance that serves Portfolio Margin force orders, ping, server time (fapi, dapi, spot) and
 * USD-M and COIN-M exchange info from one base URL, with Binance's signing, timing, per-API weight, ban
 * and error behaviour, scripted faults, and the undocumented switches (page end, window field, late
 * visibility, strict parameters) a client must survive. Several accounts, each with its own orders,
 * risk and stream ({@link account}); the top-level methods act on the first; weight is the IP's,
 * shared by all. Ground truth for the client's and pipeline's tests, the benchmark and the demo.
 */
export class PapiSimulator {
  /** Every request received, oldest first, each tagged with the name of the account whose key it carried. */
  readonly requests: SimRequestLog[] = [];
  /** The Portfolio Margin user data stream (listenKeys, `/pm/ws/<listenKey>`) and its fault switches, for every account. */
  readonly userStream: PmUserStream;
  private readonly faults = new FaultQueue();
  private readonly limiter: WeightLimiter;
  /** `options.accounts` itself, read on every request: a test revokes a key by taking its entry out. */
  private readonly credentials: readonly SimulatorAccount[];
  /** The accounts there were at start, in their order. */
  private readonly books: readonly SimAccount[];
  private readonly byApiKey: ReadonlyMap<string, SimAccount>;
  private readonly now: () => number;
  private readonly behaviour: SelectionBehaviour;
  private readonly windowTooLongCode: -1127 | -4165;
  private readonly strictParams: boolean;
  private readonly routes: ReadonlyMap<string, Route<SimAccount>>;
  private readonly requestListeners = new Set<(request: SimRequestLog) => void>();
  private skewMs = 0;
  private server: Server | undefined;
  private address = '';

  private constructor(options: PapiSimulatorOptions) {
    this.credentials = checkedAccounts(options.accounts ?? [{ apiKey: SIM_API_KEY, hmacSecret: SIM_API_SECRET }]);
    const clock = options.clock;
    this.now = clock ? () => clock.now() : (options.now ?? Date.now);
    const limits = options.weightLimitPerMinute;
    this.limiter = new WeightLimiter(
      { ...DEFAULT_WEIGHT_LIMITS, ...(typeof limits === 'number' ? { papi: limits } : limits) },
      options.rateLimitStrikesBeforeBan ?? 5,
    );
    this.strictParams = options.strictParams ?? true;
    this.behaviour = { pageEnd: options.pageEnd ?? 'oldest', windowField: options.windowField ?? 'updateTime' };
    this.windowTooLongCode = options.windowTooLongCode ?? -1127;
    const sleep = clock ? clock.sleep.bind(clock) : systemClock.sleep;
    const serverNow = () => this.serverNow();
    this.userStream = new PmUserStream({ accounts: () => this.liveCredentials(), serverNow, sleep }, options.userStream);
    const ids = firstOrderIds();
    const seed = options.seed ?? 1;
    this.books = this.credentials.map(
      (account, index) =>
        new SimAccount(index, account.name ?? defaultName(index), seed + index, {
          serverNow,
          ids,
          stream: this.userStream.forAccount(account),
        }),
    );
    this.byApiKey = new Map(this.credentials.map((account, index) => [account.apiKey, this.books[index] as SimAccount]));
    this.routes = new Map<string, Route<SimAccount>>([
      ...ROUTES,
      ...this.userStream.routes(),
      ['GET /papi/v1/account', ACCOUNT_INFORMATION_ROUTE],
      ...ADL_QUANTILE_ROUTES,
      ['GET /papi/v1/margin/forceOrders', MARGIN_FORCE_ORDERS_ROUTE],
    ]);
  }

  /** Starts a simulator listening on `host:port` (default 127.0.0.1 and a free port). */
  static async start(options: PapiSimulatorOptions = {}): Promise<PapiSimulator> {
    const sim = new PapiSimulator(options);
    const server = createServer((req, res) => {
      // A simulator bug must not pass for a network fault: answer Binance's "unknown error" instead.
      sim.handle(req, res).catch(() => {
        if (res.headersSent) res.socket?.destroy();
        else sendJson(res, 500, JSON.stringify({ code: -1000, msg: 'An unknown error occurred while processing the request.' }));
      });
    });
    server.on('upgrade', (req, socket, head) => sim.userStream.handleUpgrade(req, socket, head));
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    sim.server = server;
    const { port } = server.address() as AddressInfo;
    sim.address = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return sim;
  }

  /** Base URL, e.g. `http://127.0.0.1:43121`; papi, fapi, dapi and api paths all live under it. */
  get url(): string {
    return this.address;
  }

  /**
   * One account, by its name, its position in `accounts` (from 0) or its API key; throws a RangeError
   * naming the accounts there are when none matches (never echoing the string: it may be a key).
   */
  account(nameOrIndexOrApiKey: string | number): SimAccount {
    const found =
      typeof nameOrIndexOrApiKey === 'number'
        ? this.books[nameOrIndexOrApiKey]
        : (this.books.find((a) => a.name === nameOrIndexOrApiKey) ?? this.byApiKey.get(nameOrIndexOrApiKey));
    if (found) return found;
    const names = this.books.map((a) => a.name).join(', ');
    const asked = typeof nameOrIndexOrApiKey === 'number' ? `at index ${nameOrIndexOrApiKey}` : 'with that name or API key';
    throw new RangeError(`the simulator has no account ${asked}; its accounts are ${names} (indexes 0 to ${this.books.length - 1})`);
  }

  /** Every account, in the order of `accounts`. */
  get accounts(): readonly SimAccount[] {
    return this.books;
  }

  /** The first account's risk: its `GET /papi/v1/account` answers it; `risk.set(…)` changes it and pushes `riskLevelChange`. */
  get risk(): AccountRisk {
    return this.first.risk;
  }

  /** The first account's ADL quantiles, `GET /papi/v1/{um|cm}/adlQuantile`; `adl.set(…)` changes them. */
  get adl(): AdlQuantiles {
    return this.first.adl;
  }

  /** The first account's cross margin liquidations, `GET /papi/v1/margin/forceOrders`; `margin.add(…)` stores one. */
  get margin(): MarginForceOrders {
    return this.first.margin;
  }

  /** Stores one force order of the first account; see {@link SimAccount.addOrder}. */
  addOrder(input: SimOrderInput = {}): RawForceOrderWire {
    return this.first.addOrder(input);
  }

  /** Stores several orders of the first account in the given order (ids rise in that order). */
  addOrders(inputs: SimOrderInput[]): RawForceOrderWire[] {
    return this.first.addOrders(inputs);
  }

  /** A liquidation cascade on the first account; see {@link SimAccount.addBurst}. */
  addBurst(count: number, options: SimBurstOptions = {}): RawForceOrderWire[] {
    return this.first.addBurst(count, options);
  }

  /** Queues a fault; matching requests consume queued faults in order. */
  injectFault(fault: SimFault): void {
    this.faults.push(fault);
  }

  /** How many injected faults no request has consumed yet. */
  get pendingFaults(): number {
    return this.faults.size;
  }

  /**
   * Calls `listener` with each request as it arrives, before it is answered (so a test can act, e.g.
   * kill the client, while the request is in flight); returns the function that unsubscribes it.
   */
  onRequest(listener: (request: SimRequestLog) => void): () => void {
    this.requestListeners.add(listener);
    return () => this.requestListeners.delete(listener);
  }

  /** Sets the server clock to `now() + ms` (a jump of minutes provokes -1021). */
  setClockSkew(ms: number): void {
    this.skewMs = ms;
  }

  /** Weight used on `api` (default PAPI) in the current server minute, all IPs together. */
  usedWeight(api: SimApi = 'papi'): number {
    return this.limiter.total(api, this.serverNow());
  }

  /** The first account's stored orders (of one market, if named), in the order added. */
  orders(market?: SimMarket): RawForceOrderWire[] {
    return this.first.orders(market);
  }

  /** For the demo: adds orders to the first account on real timers; see {@link SimAccount.startStream}. */
  startStream(options: SimStreamOptions): () => void {
    return this.first.startStream(options);
  }

  /** Stops every account's streams, drops open connections (including requests a `timeout` fault holds) and stops listening. */
  async close(): Promise<void> {
    for (const account of this.books) account.stopStreams();
    await this.userStream.close();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private get first(): SimAccount {
    return this.books[0] as SimAccount;
  }

  private serverNow(): number {
    return this.now() + this.skewMs;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const path = queryAt < 0 ? target : target.slice(0, queryAt);
    const rawQuery = queryAt < 0 ? '' : target.slice(queryAt + 1);
    const body = await readBody(req);
    const serverNow = this.serverNow();
    const ip = req.socket.remoteAddress ?? 'unknown';
    const apiKeyHeader = req.headers['x-mbx-apikey'];
    const apiKey = Array.isArray(apiKeyHeader) ? apiKeyHeader[0] : apiKeyHeader;
    const method = req.method ?? 'GET';
    const owner = apiKey === undefined ? undefined : this.byApiKey.get(apiKey);
    const log: SimRequestLog = {
      method,
      path,
      params: Object.fromEntries([...new URLSearchParams(body), ...new URLSearchParams(rawQuery)]),
      ...(apiKey !== undefined ? { apiKey } : {}),
      ...(owner ? { account: owner.name } : {}),
      weight: 0,
      status: 0,
      at: serverNow,
    };
    this.requests.push(log);
    recordSignature(log.params.signature);
    for (const listener of this.requestListeners) listener(log);
    const api = apiOfPath(path);
    // Each API reports its own counter; a path of no API is not Binance's and carries no header.
    const usedHeader = (): Record<string, string> => (api ? { [USED_WEIGHT_HEADER]: String(this.limiter.used(api, ip, serverNow)) } : {});

    const fault = this.faults.take(path);
    if (fault && fault.type !== 'truncate') {
      log.status = sendFault(res, fault, usedHeader(), serverNow, this.limiter.limit(api ?? 'papi'));
      return;
    }
    const route = this.routes.get(`${method} ${path}`);
    if (!route || !api) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end();
      log.status = 404;
      return;
    }
    const weight = route.weight(Boolean(new URLSearchParams(rawQuery).get('symbol')));
    const refused = this.limiter.admit(api, ip, weight, serverNow);
    log.weight = refused?.status === 418 ? 0 : weight;
    const answer = refused ?? this.answer(route, { apiKey, rawQuery, body }, serverNow);
    if (answer instanceof SimBinanceError) {
      log.status = sendJson(res, answer.status, answer.body(), { ...usedHeader(), ...answer.headers });
    } else if (fault?.type === 'truncate') {
      log.status = sendTruncated(res, answer, usedHeader());
    } else {
      log.status = sendJson(res, 200, answer, usedHeader());
    }
  }

  /** With `strictParams`, -1104 for a parameter the endpoint does not read. */
  private requireKnownParams(params: Record<string, string>, names: readonly string[]): void {
    if (this.strictParams) requireAllRead(params, new Set(names));
  }

  /** The credentials the simulator accepts now: those of `accounts` still there, and none added after start (they have no books). */
  private liveCredentials(): SimulatorAccount[] {
    return this.credentials.filter((account) => this.byApiKey.has(account.apiKey));
  }

  /** The account of an API key that authenticated (so one of `credentials`). */
  private accountOfKey(apiKey: string): SimAccount {
    const account = this.byApiKey.get(apiKey);
    if (!account) throw new TypeError('an authenticated key belongs to no account: a simulator bug');
    return account;
  }

  /** The route's JSON text, or the Binance error that refuses the request. */
  private answer(
    route: Route<SimAccount>,
    request: { apiKey: string | undefined; rawQuery: string; body: string },
    serverNow: number,
  ): string | SimBinanceError {
    try {
      const params = readParams(request.rawQuery, request.body);
      const context = { params, serverNow, behaviour: this.behaviour, windowTooLongCode: this.windowTooLongCode, apiKey: request.apiKey };
      if (!route.signed) {
        this.requireKnownParams(params, route.params);
        return JSON.stringify(route.handle(context));
      }
      const signer = authenticateSigned(this.liveCredentials(), { ...request, params }, serverNow, { signatureLast: this.strictParams });
      this.requireKnownParams(params, [...route.params, ...SIGNED_PARAMS]);
      return JSON.stringify(route.handle(context, this.accountOfKey(signer.apiKey)));
    } catch (error) {
      if (error instanceof SimBinanceError) return error;
      throw error;
    }
  }
}

/** The name of the account at `index` when it has none of its own. */
function defaultName(index: number): string {
  return `account-${index + 1}`;
}

/** `accounts` when they can be told apart (at least one, keys and names unique); a RangeError saying which clash otherwise. */
function checkedAccounts(accounts: readonly SimulatorAccount[]): readonly SimulatorAccount[] {
  if (accounts.length === 0) throw new RangeError('the simulator needs at least one account: leave `accounts` out for the default one');
  requireUnique(
    'API key',
    accounts.map((a) => a.apiKey),
  );
  requireUnique(
    'name',
    accounts.map((a, index) => a.name ?? defaultName(index)),
  );
  return accounts;
}

function requireUnique(label: string, values: readonly string[]): void {
  const second = values.findIndex((value, i) => values.indexOf(value) !== i);
  if (second < 0) return;
  throw new RangeError(
    `accounts ${values.indexOf(values[second] as string)} and ${second} have the same ${label}: give each account its own`,
  );
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Writes a complete JSON answer (Binance sends `application/json` for data and errors alike). */
function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): number {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(body);
  return status;
}

/** What an HTML error page from a proxy in front of Binance looks like (CloudFront/nginx style). */
const PROXY_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';

/**
 * Answers a request with `fault` (every type but `truncate`, which needs the real body; see
 * {@link sendTruncated}). Returns the HTTP status sent, 0 for none. `binanceHeaders` are the
 * `X-MBX-*` headers Binance itself would add; a proxy page or a dead socket carries none.
 */
function sendFault(
  res: ServerResponse,
  fault: SimFault,
  binanceHeaders: Record<string, string>,
  serverNow: number,
  weightLimit: number,
): number {
  switch (fault.type) {
    case 'timeout':
      // Never answer: the client's own timeout must fire; close() destroys the socket.
      return 0;
    case 'drop':
      res.socket?.destroy();
      return 0;
    case 'html':
      res.writeHead(502, { 'Content-Type': 'text/html' }).end(PROXY_PAGE);
      return 502;
    case 'status':
      res.writeHead(fault.status, { 'Content-Type': fault.body?.startsWith('{') ? 'application/json' : 'text/plain' });
      res.end(fault.body ?? '');
      return fault.status;
    case 'rateLimit': {
      const error =
        fault.status === 418
          ? binanceErrors.ipBanned(serverNow + fault.retryAfterSec * 1000, fault.retryAfterSec)
          : binanceErrors.tooMuchWeight(weightLimit, fault.retryAfterSec);
      return sendJson(res, error.status, error.body(), { ...binanceHeaders, ...error.headers });
    }
    case 'binanceError':
      return sendJson(res, fault.status ?? 400, JSON.stringify({ code: fault.code, msg: fault.msg }), binanceHeaders);
    case 'badSchema':
      return sendJson(res, 200, JSON.stringify(fault.body), binanceHeaders);
    case 'truncate':
      throw new TypeError('truncate faults are sent with sendTruncated');
  }
}

/** A 200 whose JSON stops halfway (chunked, so the client sees a clean end and a broken document). */
function sendTruncated(res: ServerResponse, body: string, headers: Record<string, string>): number {
  res.writeHead(200, { 'Content-Type': 'application/json', ...headers });
  res.end(body.slice(0, Math.max(1, Math.floor(body.length / 2))));
  return 200;
}

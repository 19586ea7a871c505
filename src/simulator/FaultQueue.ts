import type { ServerResponse } from 'node:http';
import { binanceErrors } from './binanceErrors.js';
import { sendJson } from './sendJson.js';
import type { SimFault } from './types.js';

/** The IP limit a scripted 429 quotes (PAPI's documented default). */
const DEFAULT_WEIGHT_LIMIT = 6000;

interface QueuedFault {
  fault: SimFault;
  remaining: number;
}

/** What an HTML error page from a proxy in front of Binance looks like (CloudFront/nginx style). */
const PROXY_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';

/**
 * Scripted failures, queued in order: each request takes the first fault whose `path` prefix
 * matches, and a fault leaves the queue after `times` requests (default 1).
 */
export class FaultQueue {
  private readonly queue: QueuedFault[] = [];

  /** Appends a fault. */
  push(fault: SimFault): void {
    this.queue.push({ fault, remaining: Math.max(1, fault.times ?? 1) });
  }

  /** The fault for a request to `path`, consuming one of its uses; undefined when none matches. */
  take(path: string): SimFault | undefined {
    const index = this.queue.findIndex((q) => q.fault.path === undefined || path.startsWith(q.fault.path));
    const entry = this.queue[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.queue.splice(index, 1);
    return entry.fault;
  }

  /** How many faults are still queued. */
  get size(): number {
    return this.queue.length;
  }
}

/**
 * Answers a request with `fault` (every type but `truncate`, which needs the real body; see
 * {@link sendTruncated}). Returns the HTTP status sent, 0 for none. `binanceHeaders` are the
 * `X-MBX-*` headers Binance itself would add; a proxy page or a dead socket carries none.
 */
export function sendFault(res: ServerResponse, fault: SimFault, binanceHeaders: Record<string, string>, serverNow: number): number {
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
          : binanceErrors.tooMuchWeight(DEFAULT_WEIGHT_LIMIT, fault.retryAfterSec);
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
export function sendTruncated(res: ServerResponse, body: string, headers: Record<string, string>): number {
  res.writeHead(200, { 'Content-Type': 'application/json', ...headers });
  res.end(body.slice(0, Math.max(1, Math.floor(body.length / 2))));
  return 200;
}

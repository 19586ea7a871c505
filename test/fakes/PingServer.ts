import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A dead man's switch endpoint on loopback, as healthchecks.io serves one: `GET /ping/<uuid>` answers
 * 200 "OK" (https://healthchecks.io/docs/http_api/). It can refuse (`status`) or never answer (`hang`),
 * and records every request.
 */
export class PingServer {
  /** The check's secret, in the ping URL's path. */
  readonly check = '5f0c3a1e-8b7d-4c2a-9e6f-0a1b2c3d4e5f';
  readonly requests: { method: string; path: string }[] = [];
  status = 200;
  hang = false;
  private arrived: (() => void) | undefined;
  private readonly server: Server = createServer((req, res) => {
    this.requests.push({ method: req.method ?? '', path: req.url ?? '' });
    this.arrived?.();
    if (this.hang) return;
    res.writeHead(this.status, { 'content-type': 'text/plain' }).end(this.status === 200 ? 'OK' : 'not found');
  });

  /** Listens on a free loopback port. */
  async start(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
  }

  /** The ping URL to give the bot as HEARTBEAT_URL. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/ping/${this.check}`;
  }

  /** Resolves once `count` requests have arrived. */
  async until(count: number): Promise<void> {
    while (this.requests.length < count) await new Promise<void>((resolve) => (this.arrived = resolve));
  }

  /** Stops listening and cuts open connections. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

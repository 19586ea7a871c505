import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the switch does with a request: forward it, refuse the connection, or answer as a failing load balancer. */
export type SwitchMode = 'pass' | 'refuse' | 'error500';

/** A 500 page as a load balancer in front of the platform sends it: HTML, not the API's JSON. */
const ERROR_PAGE = '<html><head><title>500 Internal Server Error</title></head><body><h1>500 Internal Server Error</h1></body></html>';

/**
 * An HTTP forwarder on loopback in front of a fake platform, so a test can take the platform away
 * (connection refused on the same port), make it fail with 500s, and bring it back.
 */
export class HttpSwitch {
  /** Requests answered per mode, for assertions that each phase was really hit. */
  readonly counts: Record<SwitchMode, number> = { pass: 0, refuse: 0, error500: 0 };
  /** The path of every request that reached the switch, in order (to tell which client asked what). */
  readonly paths: string[] = [];
  private server: Server;
  private readonly sockets = new Set<Socket>();
  private mode: SwitchMode = 'pass';
  private port = 0;

  private constructor(private readonly target: URL) {
    this.server = this.createServer();
  }

  /** Starts forwarding to `target` (its origin) on a free loopback port. */
  static async start(target: string): Promise<HttpSwitch> {
    const sw = new HttpSwitch(new URL(target));
    await sw.listen();
    return sw;
  }

  /** `target` with its origin replaced by the switch's. */
  url(target: string): string {
    const url = new URL(target);
    url.host = `127.0.0.1:${this.port}`;
    return url.toString().replace(/\/$/, target.endsWith('/') ? '/' : '');
  }

  /** Changes what the next requests get; `refuse` stops listening and cuts open connections. */
  async set(mode: SwitchMode): Promise<void> {
    if (mode === this.mode) return;
    const wasRefusing = this.mode === 'refuse';
    this.mode = mode;
    if (mode === 'refuse') await this.close();
    else if (wasRefusing) await this.listen();
  }

  /** Stops everything. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server = this.createServer();
  }

  private async listen(): Promise<void> {
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }

  private createServer(): Server {
    const server = createServer((req, res) => {
      this.counts[this.mode] += 1;
      this.paths.push(new URL(req.url ?? '/', 'http://switch').pathname);
      if (this.mode === 'error500') {
        req.resume();
        res.writeHead(500, { 'Content-Type': 'text/html' }).end(ERROR_PAGE);
        return;
      }
      const upstream = request(
        {
          host: this.target.hostname,
          port: this.target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: this.target.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return server;
  }
}

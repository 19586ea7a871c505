import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthStatus } from './HealthState.js';
import type { Metrics } from './Metrics.js';

/** A running `/healthz` + `/metrics` server. */
export interface OpsServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `/healthz` (200 while healthy, 503 otherwise, JSON body with the reason) and `/metrics`
 * (Prometheus text format). Binds to loopback unless told otherwise: metrics are nobody else's business.
 */
export async function startOpsServer(options: {
  port: number;
  host: string;
  health: { status(): HealthStatus };
  metrics: Metrics;
}): Promise<OpsServer> {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      const status = options.health.status();
      res.writeHead(status.healthy ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(status));
      return;
    }
    if (path === '/metrics') {
      options.metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': options.metrics.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

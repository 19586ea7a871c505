import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Heartbeat } from '../../src/ops/Heartbeat.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeClock } from '../fakes/FakeClock.js';

/** The check's secret, as healthchecks.io puts it in the ping URL's path. */
const CHECK = '5f0c3a1e-8b7d-4c2a-9e6f-0a1b2c3d4e5f';

/** A ping endpoint on loopback that answers as told and records every request. */
class PingServer {
  readonly requests: { method: string; path: string }[] = [];
  status = 200;
  hang = false;
  private readonly server: Server = createServer((req, res) => {
    this.requests.push({ method: req.method ?? '', path: req.url ?? '' });
    this.arrived?.();
    if (this.hang) return;
    res.writeHead(this.status, { 'content-type': 'text/plain' }).end(this.status === 200 ? 'OK' : 'not found');
  });
  private arrived: (() => void) | undefined;

  async start(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/ping/${CHECK}`;
  }

  /** Resolves once `count` requests have arrived. */
  async until(count: number): Promise<void> {
    while (this.requests.length < count) await new Promise<void>((resolve) => (this.arrived = resolve));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('Heartbeat', () => {
  let server: PingServer;
  let clock: FakeClock;
  const log = captureLogger();

  beforeEach(async () => {
    server = new PingServer();
    await server.start();
    clock = new FakeClock();
    log.lines.length = 0;
  });
  afterEach(() => server.close());

  it('pings with a GET after a successful poll, at most once a minute, however often polls succeed', async () => {
    const heartbeat = new Heartbeat({ url: server.url, clock, logger: log.logger });
    // Ten minutes of polls every 5 s.
    for (let t = 0; t < 10 * 60_000; t += 5_000) {
      heartbeat.pollSucceeded();
      await heartbeat.stop();
      await clock.advance(5_000);
    }
    expect(server.requests).toHaveLength(10);
    expect(server.requests.every((r) => r.method === 'GET' && r.path === `/ping/${CHECK}`)).toBe(true);
  });

  it('only warns when the ping is refused, cannot connect or hangs past its timeout, and never logs the secret path', async () => {
    const heartbeat = new Heartbeat({ url: server.url, clock, logger: log.logger, timeoutMs: 200 });
    server.status = 404;
    heartbeat.pollSucceeded();
    await heartbeat.stop();
    server.hang = true;
    await clock.advance(60_000);
    heartbeat.pollSucceeded();
    await heartbeat.stop();
    const url = server.url;
    await server.close();
    const unreachable = new Heartbeat({ url, clock, logger: log.logger });
    unreachable.pollSucceeded();
    await unreachable.stop();
    const warnings = log.lines.filter((l) => l.includes('"level":"warn"'));
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toContain('"status":404');
    expect(warnings[1]).toMatch(/timeout|aborted/i);
    expect(warnings[2]).toMatch(/ECONNREFUSED/);
    expect(warnings.every((l) => l.includes('http://127.0.0.1:') && l.includes('[path redacted]'))).toBe(true);
    expect(log.lines.join('\n')).not.toContain(CHECK);
    server = new PingServer();
    await server.start();
  });

  it('sends one ping at a time: a slow one is not doubled by the next poll', async () => {
    const heartbeat = new Heartbeat({ url: server.url, clock, logger: log.logger, timeoutMs: 300 });
    server.hang = true;
    heartbeat.pollSucceeded();
    await server.until(1);
    await clock.advance(120_000);
    heartbeat.pollSucceeded();
    await heartbeat.stop();
    expect(server.requests).toHaveLength(1);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Heartbeat } from '../../src/ops/Heartbeat.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { PingServer } from '../fakes/PingServer.js';

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
    expect(server.requests.every((r) => r.method === 'GET' && r.path === `/ping/${server.check}`)).toBe(true);
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
    expect(log.lines.join('\n')).not.toContain(server.check);
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

import { describe, expect, it } from 'vitest';
import { HealthState } from '../../src/ops/HealthState.js';
import { Metrics } from '../../src/ops/Metrics.js';
import { startOpsServer } from '../../src/ops/startOpsServer.js';
import { FakeClock } from '../fakes/FakeClock.js';

describe('HealthState', () => {
  it('is unhealthy until the first poll succeeds, then while the latest poll fails or goes stale', async () => {
    const clock = new FakeClock();
    const health = new HealthState(() => clock.now(), 15_000);
    expect(health.status()).toMatchObject({ healthy: false, reason: 'no successful poll yet' });
    health.pollSucceeded(clock.now());
    expect(health.status().healthy).toBe(true);
    health.pollFailed('Binance answered 503');
    expect(health.status()).toMatchObject({ healthy: false, reason: 'last poll failed: Binance answered 503' });
    health.pollSucceeded(clock.now());
    await clock.advance(15_001);
    expect(health.status()).toMatchObject({ healthy: false, reason: 'no successful poll for 15s' });
  });
});

describe('HealthState with sinks', () => {
  it('turns unhealthy when a sink has failed every delivery for longer than WATCHDOG_AFTER, healthy again once it delivers', async () => {
    const clock = new FakeClock();
    const health = new HealthState(() => clock.now(), 15_000, 120_000);
    health.pollSucceeded(clock.now());
    health.deliveryFailed('slack', 'Slack answered HTTP 503');
    await clock.advance(60_000);
    health.pollSucceeded(clock.now());
    health.deliveryFailed('slack', 'could not reach Slack: ECONNREFUSED');
    await clock.advance(60_000);
    health.pollSucceeded(clock.now());
    expect(health.status().healthy).toBe(true);
    await clock.advance(1);
    health.pollSucceeded(clock.now());
    expect(health.status()).toMatchObject({
      healthy: false,
      reason: 'slack has failed every delivery for 120s: could not reach Slack: ECONNREFUSED',
    });
    health.delivered('slack');
    expect(health.status()).toMatchObject({ healthy: true, reason: 'polling' });
  });
});

describe('HealthState and the user data stream', () => {
  it("shows the stream's state without turning unhealthy when it is down: REST polling is the verdict", () => {
    const clock = new FakeClock();
    const health = new HealthState(() => clock.now(), 15_000);
    health.pollSucceeded(clock.now());
    expect(health.status()).toEqual({ healthy: true, reason: 'polling', lastSuccessAt: new Date(clock.now()).toISOString() });
    health.streamChanged('open', 'connected');
    expect(health.status()).toMatchObject({ healthy: true, stream: { state: 'open', reason: 'connected' } });
    health.streamChanged('reconnecting', 'dropped without a close frame (1006)');
    expect(health.status()).toMatchObject({
      healthy: true,
      stream: { state: 'reconnecting', reason: 'dropped without a close frame (1006)' },
    });
    health.pollFailed('network');
    expect(health.status()).toMatchObject({ healthy: false, stream: { state: 'reconnecting' } });
  });
});

describe('startOpsServer', () => {
  it('serves /healthz as 503 then 200, and /metrics in Prometheus format', async () => {
    const clock = new FakeClock();
    const health = new HealthState(() => clock.now(), 15_000);
    const metrics = new Metrics({ processMetrics: false });
    const server = await startOpsServer({ port: 0, host: '127.0.0.1', health, metrics });
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(503);
      health.pollSucceeded(clock.now());
      metrics.polls.inc();
      metrics.alertsDelivered.inc({ sink: 'slack' }, 3);
      const ok = await fetch(`${server.url}/healthz`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ healthy: true });
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(text).toContain('forcewatch_polls_total 1');
      expect(text).toContain('forcewatch_alerts_delivered_total{sink="slack"} 3');
      expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

import { join } from 'node:path';
import nodeFetch from 'node-fetch';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AccountClients, createAccountClients } from '../../src/app/accountClients.js';
import { loadSettings } from '../../src/app/loadSettings.js';
import { type Forcewatch, startForcewatch } from '../../src/app/startForcewatch.js';
import type { FetchLike } from '../../src/binance/BinanceHttpClient.js';
import { createRedisClient, type RedisClient } from '../../src/ha/redisClient.js';
import { PapiSimulator, SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { RedisServer } from '../fakes/RedisServer.js';
import { RecordingSink } from '../fakes/recordingSink.js';
import { tempDir } from '../pipeline/pipelineHarness.js';

/** One forcewatch instance of several, in this process: its own Redis connection, Binance client and sink. */
interface Instance {
  name: string;
  app: Forcewatch;
  redis: RedisClient;
  clients: AccountClients;
  sink: RecordingSink;
  /** Requests this instance sent to the exchange. */
  requests: string[];
  stopped: boolean;
}

/**
 * Two instances on one real redis-server and one simulator, in real time with a 1 s lease: one leads
 * the account (the only one to call the exchange), the other stands by healthy; stopping the leader
 * hands the account over with nothing lost and nothing twice.
 */
describe('high availability, two instances in one process', () => {
  let sim: PapiSimulator;
  let redis: RedisServer;
  let dir: { dir: string; cleanup: () => Promise<void> };
  const instances: Instance[] = [];

  beforeEach(async () => {
    sim = await PapiSimulator.start({ seed: 9 });
    redis = await RedisServer.start();
    dir = await tempDir();
  });
  afterEach(async () => {
    for (const instance of instances.splice(0)) await stopInstance(instance);
    await Promise.all([sim.close(), redis.stop()]);
    await dir.cleanup();
  });

  async function stopInstance(instance: Instance): Promise<void> {
    if (instance.stopped) return;
    instance.stopped = true;
    await instance.app.stop();
    await instance.clients.close();
    if (instance.redis.isOpen) instance.redis.destroy();
  }

  /** Starts an instance; `watchdogAfterMs` shortens WATCHDOG_AFTER below its 30 s floor, for a test in real time. */
  async function startInstance(name: string, watchdogAfterMs?: number): Promise<Instance> {
    const loaded = loadSettings({
      BINANCE_API_KEY: SIM_API_KEY,
      BINANCE_API_SECRET: SIM_API_SECRET,
      ...Object.fromEntries(['PAPI', 'FAPI', 'DAPI'].map((api) => [`BINANCE_${api}_URL`, sim.url])),
      BINANCE_STREAM: 'off',
      POLL_INTERVAL_MS: '1000',
      FORCEWATCH_DB: join(dir.dir, `${name}.json`),
      REDIS_URL: redis.url(),
      HA_LEASE_MS: '1000',
    });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    // A free port for /healthz (the settings take 1-65535; the OS picks with 0).
    const { core } = loaded.settings;
    const health = { ...core.health, watchdogAfterMs: watchdogAfterMs ?? core.health.watchdogAfterMs };
    const settings = { ...loaded.settings, core: { ...core, health, metrics: { port: 0, host: '127.0.0.1' } } };
    const logger = captureLogger().logger;
    const requests: string[] = [];
    const fetch: FetchLike = (url, init) => {
      requests.push(new URL(url).pathname);
      return (nodeFetch as unknown as FetchLike)(url, init);
    };
    const clients = createAccountClients(settings.core, settings.accounts, { logger, fetch });
    const client = createRedisClient(redis.url(), logger);
    const sink = new RecordingSink('console');
    const app = await startForcewatch({
      settings,
      exchanges: clients.exchanges,
      logger,
      fallbackSink: sink,
      ha: { client, instanceId: name },
    });
    const instance = { name, app, redis: client, clients, sink, requests, stopped: false };
    instances.push(instance);
    return instance;
  }

  /** Resolves once `condition()` holds, checking as each sink accepts or each instance asks the exchange. */
  async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const started = Date.now();
    while (!condition()) {
      if (Date.now() - started > timeoutMs) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
      // Wait for the next request to the exchange: every poll makes one, so this is the pace of the bot.
      await new Promise<void>((resolve) => {
        const off = sim.onRequest(() => {
          off();
          resolve();
        });
      });
    }
  }

  const health = async (instance: Instance) => {
    const response = await fetch(`${instance.app.opsUrl}/healthz`);
    return { status: response.status, body: (await response.json()) as { reason: string } };
  };
  const alerted = () => instances.flatMap((i) => i.sink.alertIds);

  it('one instance leads and alone asks the exchange; the other is a healthy standby; a stopped leader hands over, nothing lost or twice', async () => {
    const a = await startInstance('a');
    const b = await startInstance('b');
    await until(() => a.requests.some((p) => p.endsWith('/forceOrders')) || b.requests.some((p) => p.endsWith('/forceOrders')), 'a poll');
    const [leader, standby] = a.requests.some((p) => p.endsWith('/forceOrders')) ? [a, b] : [b, a];
    const first = sim.addOrder({ updateTime: Date.now(), time: Date.now() });
    await until(() => alerted().length === 1, 'the first order alerted');
    expect(leader.sink.alertIds).toEqual([`cm:${first.orderId}`]);
    // Only the leader calls the exchange's force orders (the standby asked for the time once, at most).
    expect(standby.requests.filter((p) => p.endsWith('/forceOrders'))).toEqual([]);
    expect((await health(standby)).status).toBe(200);
    expect((await health(standby)).body.reason).toMatch(/^standby/);
    expect((await health(leader)).body.reason).toMatch(/^leading main/);

    await stopInstance(leader);
    const handedAt = Date.now();
    const second = sim.addOrder({ updateTime: Date.now(), time: Date.now() });
    await until(() => alerted().length === 2, 'the order after the hand-over alerted');
    expect(standby.sink.alertIds).toEqual([`cm:${second.orderId}`]);
    // A graceful stop releases the lease: the successor leads within a retry period and a poll.
    expect(Date.now() - handedAt).toBeLessThan(1_000 + 1_000 + 1_000);
    expect(new Set(alerted()).size).toBe(2);
  }, 40_000);

  it('a Redis outage is never silent: the instance that led tells its channel after WATCHDOG_AFTER, and who leads once Redis is back; the standby says nothing', async () => {
    const a = await startInstance('a', 1_500);
    const b = await startInstance('b', 1_500);
    await until(() => [a, b].some((i) => i.requests.some((p) => p.endsWith('/forceOrders'))), 'a poll');
    const [leader, standby] = a.requests.some((p) => p.endsWith('/forceOrders')) ? [a, b] : [b, a];
    const lastPoll = async (instance: Instance) =>
      /forcewatch_last_successful_poll_timestamp_seconds\{account="main"\} (\d+)/.exec(
        await (await fetch(`${instance.app.opsUrl}/metrics`)).text(),
      )?.[1];
    expect(await lastPoll(leader)).toBeDefined();
    expect(await lastPoll(standby)).toBeUndefined();
    await redis.stop();
    await leader.sink.untilNotices(1);
    // Its term over, the former leader shows no stale last poll: the alert rules would take it for a blind bot.
    expect(await lastPoll(leader)).toBeUndefined();
    const warning = leader.sink.notices[0]!.notice;
    expect(warning.severity).toBe('warning');
    expect(warning.title).toBe('forcewatch may be blind: the leading instance lost Redis');
    expect(warning.text).toContain(`Instance ${leader.name} led this account until`);
    await redis.restart();
    await leader.sink.untilNotices(2);
    const recovery = leader.sink.notices[1]!.notice;
    expect(recovery.severity).toBe('recovered');
    expect(recovery.text).toMatch(
      new RegExp(
        `Instance ${leader.name} reaches Redis again after .*(Instance [ab] leads the account|This instance leads the account again)`,
      ),
    );
    // One message per outage, from the one that led: the standby, which lost nothing, stays quiet.
    expect(standby.sink.notices).toEqual([]);
    const counted = await (await fetch(`${leader.app.opsUrl}/metrics`)).text();
    for (const severity of ['warning', 'recovered']) {
      expect(counted).toContain(`forcewatch_notices_total{account="main",sink="console",severity="${severity}",outcome="sent"} 1`);
    }
    for (const notice of [warning, recovery]) expect(JSON.stringify(notice)).not.toContain(redis.url());
  }, 40_000);
});

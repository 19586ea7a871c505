import { stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { type Fence, FencedOutError } from '../../src/ha/Fence.js';
import { redisStorage } from '../../src/ha/redisStorage.js';
import { SinkError } from '../../src/sinks/Sink.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { RecordingSink } from '../fakes/recordingSink.js';
import { type PipelineHarness, usePipelineHarnesses } from '../pipeline/pipelineHarness.js';
import { useRedis } from './useRedis.js';

const PREFIX = 'fw-test:';
const redis = useRedis(PREFIX);
const harness = usePipelineHarnesses();

/** The Redis storage of account desk-a under `fence`, on the harness's clock and logger. */
function storage(fence: Fence, h: PipelineHarness) {
  return redisStorage({ client: redis.client, prefix: PREFIX, account: 'desk-a', fence, now: () => h.clock.now(), logger: h.log.logger });
}

async function stateInRedis() {
  return JSON.parse((await redis.client.get(`${PREFIX}state:desk-a`)) ?? 'null');
}

describe('the pipeline on the Redis storage', () => {
  it('polls, archives, queues and delivers as on files, with nothing on disk', async () => {
    const h = harness();
    const fence = await redis.lease('desk-a', 'i1:1');
    const pipeline = await h.start({ storage: storage(fence, h), account: 'desk-a' });
    h.source.add(forceOrderFixture({ orderId: 7, updateTime: h.clock.now() + 1_000 }));
    await h.tick();
    await Promise.all(h.sinks.map((s) => s.untilAlerts(1)));
    for (const sink of h.sinks) expect(sink.alertIds).toEqual(['cm:7']);
    await pipeline.stop();
    const state = await stateInRedis();
    expect(state).toMatchObject({ version: 3, account: 'desk-a', symbols: ['BTCUSD_PERP'] });
    expect(state.watermark).toBeGreaterThan(h.clock.now() - 10_000);
    expect(state.outbox).toEqual([]);
    expect((await pipeline.archive.read({ startTime: 0, endTime: h.clock.now() + 60_000 })).map((o) => o.orderId)).toEqual([7]);
    await expect(stat(h.storePath)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(`${h.storePath}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a successor on the same Redis resumes the watermark and the outbox: the undelivered alert goes out, nothing twice', async () => {
    const failing = new RecordingSink('slack');
    failing.failUntilRecovered(new SinkError('slack is down', { retryable: true }));
    const first = harness({ sinks: [failing] });
    const fence = await redis.lease('desk-a', 'i1:1');
    await first.start({ storage: storage(fence, first), account: 'desk-a' });
    first.source.add(forceOrderFixture({ orderId: 1, updateTime: first.clock.now() + 1_000 }));
    await first.tick();
    await first.stop();
    expect((await stateInRedis()).outbox.map((e: { id: string }) => e.id)).toEqual(['cm:1']);

    const next = harness({ clock: first.clock, source: first.source, sinks: [new RecordingSink('slack')] });
    const successor = await redis.lease('desk-a', 'i2:2');
    await next.start({ storage: storage(successor, next), account: 'desk-a' });
    await next.sinks[0]!.untilAlerts(1);
    next.source.add(forceOrderFixture({ orderId: 2, updateTime: next.clock.now() + 1_000 }));
    await next.tick();
    await next.tick();
    await next.sinks[0]!.untilAlerts(2);
    expect(next.sinks[0]!.alertIds).toEqual(['cm:1', 'cm:2']);
  });

  it('once another instance took the lease, a poll commits nothing and rejects with FencedOutError', async () => {
    const h = harness();
    const fence = await redis.lease('desk-a', 'i1:1');
    await h.start({ storage: storage(fence, h), account: 'desk-a' });
    const before = await redis.client.get(`${PREFIX}state:desk-a`);
    await redis.lease('desk-a', 'i2:2');
    h.source.add(forceOrderFixture({ orderId: 9, updateTime: h.clock.now() + 1_000 }));
    await expect(h.tick()).rejects.toBeInstanceOf(FencedOutError);
    expect(await redis.client.get(`${PREFIX}state:desk-a`)).toBe(before);
    expect(await redis.client.exists([`${PREFIX}archive:desk-a`])).toBe(0);
    for (const sink of h.sinks) expect(sink.alertIds).toEqual([]);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { PapiSimulator } from '../../src/simulator/PapiSimulator.js';

describe('PapiSimulator.startStream (demo feed)', () => {
  let sim: PapiSimulator | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await sim?.close();
  });

  it('adds orders at the given rate plus cascades, and stops when told', async () => {
    sim = await PapiSimulator.start();
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const stop = sim.startStream({ ordersPerMinute: 60, cascadeEveryMs: 30_000, cascadeSize: 20 });
    vi.advanceTimersByTime(60_000);
    // 60 single orders plus two cascades of 20.
    expect(sim.orders()).toHaveLength(60 + 2 * 20);
    stop();
    vi.advanceTimersByTime(60_000);
    expect(sim.orders()).toHaveLength(100);
  });

  it('close() stops every stream', async () => {
    sim = await PapiSimulator.start();
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    sim.startStream({ ordersPerMinute: 120 });
    vi.advanceTimersByTime(1000);
    expect(sim.orders()).toHaveLength(2);
    await sim.close();
    vi.advanceTimersByTime(10_000);
    expect(sim.orders()).toHaveLength(2);
  });
});

import type { FakeClock } from '../../fakes/FakeClock.js';

/** Options of `driveUntil`. */
export interface DriveOptions {
  /** Fake time per step; default 250 ms. */
  stepMs?: number;
  /** Give up (throw) after this much fake time; default 30 minutes. */
  maxMs?: number;
  /**
   * Sleeps that mean "everyone is waiting on time, none on I/O": time only moves once this many are
   * pending, so a request in flight on loopback is never overtaken by the fake clock. Default 2 (the
   * daily archive compaction plus the poller or a backoff). A function is asked again as sleeps come
   * and go: with chat sinks, add one for every sink that has alerts waiting (it is then either sending
   * or asleep in its backoff).
   */
  idleSleepers?: number | (() => number);
  /** Named in the error when the condition never holds. */
  what?: string;
}

/**
 * Moves a FakeClock forward in small steps, each only once the code under test is idle on time, until
 * `condition()` holds. Real sockets still carry every request; only the waiting is accelerated.
 */
export async function driveUntil(clock: FakeClock, condition: () => boolean, options: DriveOptions = {}): Promise<number> {
  const { stepMs = 250, maxMs = 30 * 60_000, idleSleepers = 2, what = 'the condition' } = options;
  const start = clock.now();
  while (!condition()) {
    if (clock.now() - start > maxMs) throw new Error(`${what} did not happen within ${maxMs} ms of fake time`);
    const needed = typeof idleSleepers === 'number' ? () => idleSleepers : idleSleepers;
    // Re-checked on every turn of the event loop: the count needed can also fall (a delivery ends
    // without a new sleep), which no sleep would announce.
    while (clock.pending < needed()) await new Promise<void>((resolve) => setImmediate(resolve));
    await clock.advance(stepMs);
  }
  return clock.now() - start;
}

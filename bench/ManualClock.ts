import type { Clock } from '../src/time.js';

/**
 * A clock the benchmark moves by hand. Its sleeps never end on their own (only their signal ends
 * them), so the poll loop waits forever after its first poll and the benchmark drives each poll with
 * `pollOnce()`: no timer noise in the measured time.
 */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: number) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    this.current += ms;
  }

  sleep(_ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((_resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }
}

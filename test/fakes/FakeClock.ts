import type { Clock } from '../../src/time.js';

interface Sleeper {
  at: number;
  resolve: () => void;
}

/**
 * A clock that moves only when the test says so. `advance()` wakes every sleeper whose time has come,
 * in time order, and lets their continuations run before it returns.
 */
export class FakeClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];
  private waiters: (() => void)[] = [];

  constructor(start = Date.UTC(2026, 10, 25, 12, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal?.reason);
      };
      // Woken sleepers drop their abort listener, as the real clock does: long runs must not pile them up.
      const sleeper: Sleeper = {
        at: this.current + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** How many sleeps are pending. */
  get pending(): number {
    return this.sleepers.length;
  }

  /** Resolves once at least `count` sleeps are pending: the code under test is idle, waiting on time. */
  async untilSleeping(count = 1): Promise<void> {
    while (this.sleepers.length < count) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Moves time forward by `ms`, waking sleepers due on the way, each with its own `now()`. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      const due = this.sleepers.filter((s) => s.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.sleepers = this.sleepers.filter((s) => s !== due);
      this.current = Math.max(this.current, due.at);
      due.resolve();
      await flushMicrotasks();
    }
    this.current = target;
    await flushMicrotasks();
  }

  /** Jumps the wall clock without waking anyone (a clock jump, not the passing of time). */
  jump(ms: number): void {
    this.current += ms;
  }
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
  await new Promise<void>((resolve) => setImmediate(resolve));
}

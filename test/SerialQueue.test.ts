import { describe, expect, it } from 'vitest';
import { SerialQueue } from '../src/SerialQueue.js';

describe('SerialQueue', () => {
  it('runs tasks one at a time in the order they were queued', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = queue.run(async () => {
      log.push('first starts');
      await gate;
      log.push('first ends');
      return 1;
    });
    const second = queue.run(() => {
      log.push('second');
      return 2;
    });
    await Promise.resolve();
    expect(log).toEqual(['first starts']);
    release();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(log).toEqual(['first starts', 'first ends', 'second']);
  });

  it('fails only the caller of a failed task; later tasks still run', async () => {
    const queue = new SerialQueue();
    const failed = queue.run(() => Promise.reject(new Error('boom')));
    const next = queue.run(() => 'still runs');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('still runs');
  });

  it('idle() waits for every task queued so far, failed ones included', async () => {
    const queue = new SerialQueue();
    let done = false;
    void queue.run(() => Promise.reject(new Error('ignored'))).catch(() => {});
    void queue.run(async () => {
      await Promise.resolve();
      done = true;
    });
    await queue.idle();
    expect(done).toBe(true);
  });
});

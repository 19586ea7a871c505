import { describe, expect, it } from 'vitest';
import { RoundRobinQueue } from '../../src/binance/RoundRobinQueue.js';

describe('RoundRobinQueue', () => {
  it("runs one task at a time, each requester's in its own order, the waiting requesters taking turns", async () => {
    const queue = new RoundRobinQueue();
    const [a, b, c] = [{}, {}, {}];
    const ran: string[] = [];
    let running = 0;
    const task = (name: string) => async () => {
      running += 1;
      expect(running).toBe(1);
      await Promise.resolve();
      ran.push(name);
      running -= 1;
      return name;
    };
    const queued = [
      ...['a1', 'a2', 'a3', 'a4'].map((name) => queue.run(a, task(name))),
      ...['b1', 'b2'].map((name) => queue.run(b, task(name))),
      queue.run(c, task('c1')),
    ];
    expect(await Promise.all(queued)).toEqual(['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'c1']);
    // a1 ran at once and a2 was queued before b and c came; from then on one each in turn, a's rest last
    // (FIFO would run all of a's four before b1).
    expect(ran).toEqual(['a1', 'a2', 'b1', 'c1', 'a3', 'b2', 'a4']);
  });

  it('fails only the caller of a failed task, and is idle once every task has settled', async () => {
    const queue = new RoundRobinQueue();
    const requester = {};
    const failed = queue.run(requester, () => {
      throw new Error('refused');
    });
    const next = queue.run(requester, () => 'sent');
    let idle = false;
    const idled = queue.idle().then(() => {
      idle = true;
    });
    await expect(failed).rejects.toThrow('refused');
    expect(await next).toBe('sent');
    await idled;
    expect(idle).toBe(true);
    await queue.idle(); // already idle: resolves at once
  });
});

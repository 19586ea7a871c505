/** A queued task, wrapped to settle its caller's promise; it never rejects. */
type QueuedTask = () => Promise<void>;

/**
 * Runs async tasks one at a time, taking turns between requesters: each requester's tasks run in the
 * order it queued them, and when several requesters wait, each gets one task in turn (round-robin), so a
 * requester queueing many tasks at once cannot make another wait behind all of them, as a plain FIFO would.
 * A failed task fails only its own caller. The weight limiter's admissions go through one of these, one
 * requester per Binance client (account), so an account paging through a cascade cannot starve another's poll.
 */
export class RoundRobinQueue {
  /** Requesters with tasks waiting, in turn order (a Map keeps insertion order): the first is served next. */
  private readonly waiting = new Map<object, QueuedTask[]>();
  private running = false;
  private readonly idleWaiters: (() => void)[] = [];

  /** Queues `task` for `requester`, behind its own earlier tasks and one turn of every other waiting requester. */
  run<T>(requester: object, task: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = async () => {
        try {
          resolve(await task());
        } catch (error) {
          reject(error);
        }
      };
      const queue = this.waiting.get(requester);
      if (queue) queue.push(start);
      else this.waiting.set(requester, [start]);
      if (!this.running) void this.drain();
    });
  }

  /** Resolves once no task is running or waiting. */
  idle(): Promise<void> {
    if (!this.running && this.waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    this.running = true;
    for (let next = this.takeTurn(); next; next = this.takeTurn()) await next();
    this.running = false;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** The first waiting requester's oldest task; that requester, if it has more, goes to the back of the turn order. */
  private takeTurn(): QueuedTask | undefined {
    const first = this.waiting.entries().next();
    if (first.done) return undefined;
    const [requester, queue] = first.value;
    const task = queue.shift();
    this.waiting.delete(requester);
    if (queue.length > 0) this.waiting.set(requester, queue);
    return task;
  }
}

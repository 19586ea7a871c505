/**
 * Runs async tasks one at a time, in the order they were queued; a failed task fails only its own
 * caller, never the ones queued after it. The one serial queue behind the store's writes, the
 * archive's appends and the poller's polls.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Queues `task` behind every task queued before it; settles as `task` does. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => {});
    return result;
  }

  /** Resolves once every task queued so far has settled. */
  idle(): Promise<void> {
    return this.tail.then(() => {});
  }
}

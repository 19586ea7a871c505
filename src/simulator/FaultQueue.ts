import type { SimFault } from './types.js';

interface QueuedFault {
  fault: SimFault;
  remaining: number;
}

/**
 * Scripted failures, queued in order: each request takes the first fault whose `path` prefix
 * matches, and a fault leaves the queue after `times` requests (default 1).
 */
export class FaultQueue {
  private readonly queue: QueuedFault[] = [];

  /** Appends a fault. */
  push(fault: SimFault): void {
    this.queue.push({ fault, remaining: Math.max(1, fault.times ?? 1) });
  }

  /** The fault for a request to `path`, consuming one of its uses; undefined when none matches. */
  take(path: string): SimFault | undefined {
    const index = this.queue.findIndex((q) => q.fault.path === undefined || path.startsWith(q.fault.path));
    const entry = this.queue[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.queue.splice(index, 1);
    return entry.fault;
  }

  /** How many faults are still queued. */
  get size(): number {
    return this.queue.length;
  }
}

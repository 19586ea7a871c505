/**
 * The fencing token of a leadership lease: the key the lease lives in and the value this instance
 * wrote there when it took the lease. The value holds a number that only grows (INCR at each take-over),
 * so a successor's value always differs. Every state write in Redis runs as a script that first checks
 * `GET leaseKey == value`: an instance that lost its lease (paused by GC or SIGSTOP, partitioned) can
 * no longer commit anything once its successor has taken over.
 * (The idea: Kleppmann, "How to do distributed locking", 2016; client-go's leaderelection for the timing.)
 */
export interface Fence {
  leaseKey: string;
  value: string;
}

/** A write refused because its fence no longer holds: another instance leads this account now. */
export class FencedOutError extends Error {
  override readonly name = 'FencedOutError';

  constructor(what: string) {
    super(`${what} was refused: this instance no longer holds the account's lease (another instance leads it now)`);
  }
}

/** True for a `FencedOutError` (across module copies). */
export function isFencedOut(error: unknown): error is FencedOutError {
  return error instanceof Error && error.name === 'FencedOutError';
}

import { compareDecimal, isDecimal } from '../decimal.js';
import type { StateStore } from '../store/StateStore.js';
import { UNIMMR_LOW_HOURS, type UniMmrLow } from '../store/StoreDocument.js';
import { HOUR_MS } from '../time.js';

/** A uniMMR seen, and when (ms). */
export interface UniMmrSeen {
  value: string;
  time: number;
}

/**
 * The lowest uniMMR seen in each of the last `UNIMMR_LOW_HOURS` hours, in the store, so a digest can
 * name the day's lowest after a restart. Bounded: one entry an hour, the oldest dropped. The hours
 * start at DIGEST_AT's minute past (`hourOffsetMs`), so a digest's window is whole hours and its
 * lowest is exact: no hour straddles the window's edge.
 */
export class UniMmrLows {
  constructor(
    private readonly store: StateStore,
    private readonly hourOffsetMs: number,
  ) {}

  /**
   * Records `seen` when it is the lowest of its hour; one write then, none otherwise. A value that is
   * not a decimal is ignored (the account client validated it: this is the store's own guard).
   */
  async record(seen: UniMmrSeen): Promise<void> {
    if (!isDecimal(seen.value) || !Number.isFinite(seen.time)) return;
    const hour = this.hourOf(seen.time);
    if (!isNewLow(this.store.data.digest.uniMmrLows, hour, seen.value)) return;
    await this.store.update((doc) => {
      const lows = doc.digest.uniMmrLows;
      // Decided again in the draft: an update queued before this one may have recorded a lower value.
      if (!isNewLow(lows, hour, seen.value)) return;
      const kept = lows.filter((low) => low.hour !== hour && low.hour > hour - UNIMMR_LOW_HOURS * HOUR_MS);
      const next: UniMmrLow[] = [...kept, { hour, value: seen.value, time: seen.time }].sort((a, b) => a.hour - b.hour);
      doc.digest = { ...doc.digest, uniMmrLows: next.slice(-UNIMMR_LOW_HOURS) };
    });
  }

  /** The lowest uniMMR seen with `from <= time < to`, the earliest of equal ones; undefined when none was. */
  lowest(from: number, to: number): UniMmrSeen | undefined {
    let found: UniMmrSeen | undefined;
    for (const low of this.store.data.digest.uniMmrLows) {
      if (low.time < from || low.time >= to) continue;
      const order = found === undefined ? -1 : compareDecimal(low.value, found.value);
      if (order < 0 || (order === 0 && found !== undefined && low.time < found.time)) found = { value: low.value, time: low.time };
    }
    return found;
  }

  private hourOf(time: number): number {
    return Math.floor((time - this.hourOffsetMs) / HOUR_MS) * HOUR_MS + this.hourOffsetMs;
  }
}

/** True when `value` is below the low recorded for `hour`, or none is. */
function isNewLow(lows: readonly UniMmrLow[], hour: number, value: string): boolean {
  const current = lows.find((low) => low.hour === hour);
  return current === undefined || compareDecimal(value, current.value) < 0;
}

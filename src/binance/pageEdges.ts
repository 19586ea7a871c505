import type { RawForceOrder } from './types.js';

/**
 * The edges a full page proves, whichever time field the window filters on (`time` or `updateTime`:
 * Binance does not say). If the page kept the oldest orders, every order of the window whose field is
 * below `oldest` is in it: that holds for the field's own maximum, so for the smaller of the two maxima
 * too. If it kept the newest, every order whose field is above `newest` is in it (the larger minimum).
 * Orders on the edge millisecond itself may be missing (ties beyond the page), so a walk asks from the
 * edge inclusive.
 */
export interface PageEdges {
  oldest: number;
  newest: number;
}

/** The edges of a non-empty page (see {@link PageEdges}). */
export function pageEdges(page: readonly RawForceOrder[]): PageEdges {
  let maxTime = -Infinity;
  let maxUpdate = -Infinity;
  let minTime = Infinity;
  let minUpdate = Infinity;
  for (const { time, updateTime } of page) {
    maxTime = Math.max(maxTime, time);
    maxUpdate = Math.max(maxUpdate, updateTime);
    minTime = Math.min(minTime, time);
    minUpdate = Math.min(minUpdate, updateTime);
  }
  return { oldest: Math.min(maxTime, maxUpdate), newest: Math.max(minTime, minUpdate) };
}

import type { AutoCloseType } from '../binance/types.js';
import { kindLabel } from './kindLabel.js';

/** How many of each kind, in words every platform can show: `3 LIQUIDATION, 2 ADL`. */
export function formatKindCounts(counts: Record<AutoCloseType, number>): string {
  return `${counts.LIQUIDATION} ${kindLabel('LIQUIDATION')}, ${counts.ADL} ${kindLabel('ADL')}`;
}

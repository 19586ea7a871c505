import type { AutoCloseType } from '../binance/types.js';

const LABELS: Record<AutoCloseType, string> = { LIQUIDATION: 'LIQUIDATION', ADL: 'ADL' };

/** The label every platform shows for a kind: `LIQUIDATION` or `ADL`. */
export function kindLabel(kind: AutoCloseType): string {
  return LABELS[kind];
}

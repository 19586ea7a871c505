import type { AutoCloseType } from './types.js';

/**
 * What `clientOrderId` says about an order: "autoclose-…" = liquidation, "adl_autoclose…" = ADL; anything
 * else (e.g. "settlement_autoclose-…", a delivery or delisting settlement) does not say: `undefined`.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Futures-Order-update
 */
export function classifyForceOrder(clientOrderId: string): AutoCloseType | undefined {
  if (clientOrderId.startsWith('autoclose-')) return 'LIQUIDATION';
  if (clientOrderId.startsWith('adl_autoclose')) return 'ADL';
  return undefined;
}

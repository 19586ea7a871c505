import { describe, expect, it } from 'vitest';
import { classifyForceOrder } from '../../src/binance/classifyForceOrder.js';

describe('classifyForceOrder', () => {
  it.each([
    ['autoclose-1596542005017000006', 'LIQUIDATION'],
    ['adl_autoclose', 'ADL'],
    ['adl_autoclose-1596542005017000007', 'ADL'],
    ['settlement_autoclose-1596542005017000008', undefined],
    ['my-order-1', undefined],
    ['AUTOCLOSE-1', undefined],
  ])('%s -> %s', (clientOrderId, kind) => {
    expect(classifyForceOrder(clientOrderId)).toBe(kind);
  });
});

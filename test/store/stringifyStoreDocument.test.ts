import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringifyStoreDocument } from '../../src/store/StateStore.js';
import { newDigestState, newRiskState, type OutboxEntry, type StoreDocument } from '../../src/store/StoreDocument.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';

/** Text that JSON must escape: quotes, backslashes, control and non-ASCII characters. */
const text = fc.string({ unit: 'binary', maxLength: 12 });

const entry: fc.Arbitrary<OutboxEntry> = fc.record(
  {
    id: text,
    order: fc.record({ orderId: fc.nat(), symbol: text, price: text }).map((o) => forceOrderFixture(o)),
    queuedAt: fc.integer(),
    deliveredTo: fc.array(text, { maxLength: 3 }),
    attempts: fc.dictionary(text, fc.record({ key: text, at: fc.integer() }), { maxKeys: 2 }),
  },
  { requiredKeys: ['id', 'order', 'queuedAt', 'deliveredTo'] },
);

const document: fc.Arbitrary<StoreDocument> = fc.record({
  version: fc.constant(3 as const),
  watermark: fc.integer(),
  alertFrom: fc.integer(),
  seen: fc.dictionary(text, fc.integer(), { maxKeys: 5 }),
  outbox: fc.array(entry, { maxLength: 6 }),
  symbols: fc.array(text, { maxLength: 3 }),
  risk: fc.constant(newRiskState()),
  account: fc.option(text, { nil: null }),
  digest: fc.constant(newDigestState()),
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

describe('stringifyStoreDocument', () => {
  it('writes exactly what JSON.stringify writes, frozen parts or not, on every write', () => {
    fc.assert(
      fc.property(document, fc.boolean(), (doc, freeze) => {
        const expected = JSON.stringify(doc);
        if (freeze) deepFreeze(doc);
        expect(stringifyStoreDocument(doc)).toBe(expected);
        expect(stringifyStoreDocument(doc)).toBe(expected); // the second time from the cached parts
      }),
    );
  });

  it('serialises a replaced entry afresh while reusing the text of the frozen ones', () => {
    const first = deepFreeze<OutboxEntry>({ id: 'cm:1', order: forceOrderFixture({ orderId: 1 }), queuedAt: 1, deliveredTo: [] });
    const second = deepFreeze<OutboxEntry>({ id: 'cm:2', order: forceOrderFixture({ orderId: 2 }), queuedAt: 1, deliveredTo: [] });
    const doc: StoreDocument = {
      version: 3,
      watermark: 5,
      alertFrom: 0,
      seen: deepFreeze({ 'cm:1': 1 }),
      outbox: [first, second],
      symbols: [],
      risk: newRiskState(),
      account: 'main',
      digest: newDigestState(),
    };
    expect(stringifyStoreDocument(doc)).toBe(JSON.stringify(doc));
    const marked = { ...doc, outbox: [first, deepFreeze({ ...second, attempts: { slack: { key: 'k', at: 2 } } })] };
    expect(stringifyStoreDocument(marked)).toBe(JSON.stringify(marked));
    const unfrozen = { ...doc, outbox: [first, { ...second, deliveredTo: ['slack'] }] };
    expect(stringifyStoreDocument(unfrozen)).toBe(JSON.stringify(unfrozen));
  });
});

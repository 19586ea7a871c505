import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textChunks } from '../../src/store/textChunks.js';

describe('textChunks', () => {
  it('joins the pieces in order into chunks of at least the size, each past it by less than one piece', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 20 }), { maxLength: 60 }), fc.integer({ min: 1, max: 50 }), (pieces, size) => {
        const chunks = [...textChunks(pieces, size)];
        expect(chunks.join('')).toBe(pieces.join(''));
        const longest = Math.max(0, ...pieces.map((p) => p.length));
        for (const chunk of chunks.slice(0, -1)) {
          expect(chunk.length).toBeGreaterThanOrEqual(size);
          expect(chunk.length).toBeLessThan(size + Math.max(longest, 1));
        }
      }),
    );
  });

  it('yields nothing for no pieces, and a short text as one chunk', () => {
    expect([...textChunks([], 10)]).toEqual([]);
    expect([...textChunks(['ab', 'c'], 10)]).toEqual(['abc']);
  });
});

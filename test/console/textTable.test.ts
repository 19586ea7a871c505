import { describe, expect, it } from 'vitest';
import { textTable } from '../../src/console/textTable.js';

describe('textTable', () => {
  it('pads columns to the widest cell, right-aligning numbers and trimming line ends', () => {
    const lines = textTable(
      [{ header: 'NAME' }, { header: 'N', alignRight: true }, { header: 'NOTE' }],
      [
        ['a', '1,000', ''],
        ['longer', '5', 'x'],
      ],
    );
    expect(lines).toEqual(['NAME        N  NOTE', 'a       1,000', 'longer      5  x']);
  });
});

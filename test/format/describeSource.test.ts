import { describe, expect, it } from 'vitest';
import { describeSource } from '../../src/format/describeSource.js';

describe('describeSource', () => {
  it('names each source in words', () => {
    expect(describeSource('exchange')).toBe('Binance');
    expect(describeSource('archive')).toBe("the bot's archive");
    expect(describeSource('exchange+archive')).toBe("Binance (last 7 days) and the bot's archive (older)");
  });
});

import { describe, expect, it } from 'vitest';
import { errorCode, errorMessage } from '../src/errorCode.js';

describe('errorCode', () => {
  it('reads the code of errors and error-like objects, and nothing from anything else', () => {
    expect(errorCode(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe('ENOENT');
    expect(errorCode({ code: -2015 })).toBe(-2015);
    expect(errorCode(new Error('no code'))).toBeUndefined();
    expect([null, undefined, 'ENOENT', 42].map(errorCode)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('gives the message of an Error and the text of anything else', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage(7)).toBe('7');
  });
});

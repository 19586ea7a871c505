import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isSinkError, SinkError, withScopedSignal } from '../../src/sinks/Sink.js';

describe('withScopedSignal', () => {
  it("aborts the task's signal with the parent's reason while the task runs", async () => {
    const parent = new AbortController();
    const reason = new Error('stopping');
    const seen = await withScopedSignal(parent.signal, async (signal) => {
      parent.abort(reason);
      return signal?.reason;
    });
    expect(seen).toBe(reason);
  });

  it('unhooks from the parent once the task settles, resolved or rejected', async () => {
    const parent = new AbortController();
    await withScopedSignal(parent.signal, async () => 'done');
    await expect(withScopedSignal(parent.signal, async () => Promise.reject(new Error('failed')))).rejects.toThrow('failed');
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0);
  });

  it('starts aborted under an aborted parent, and passes no signal when there is none', async () => {
    const parent = new AbortController();
    parent.abort(new Error('already'));
    expect(await withScopedSignal(parent.signal, async (signal) => signal?.aborted)).toBe(true);
    expect(await withScopedSignal(undefined, async (signal) => signal)).toBeUndefined();
  });
});

describe('isSinkError', () => {
  it('knows a SinkError, also from another copy of the module, and nothing else', () => {
    const error = new SinkError('rate limited', { retryable: true, retryAfterMs: 2_000 });
    expect(isSinkError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'SinkError', retryable: true, retryAfterMs: 2_000 });
    const copy = Object.assign(new Error('bad token'), { name: 'SinkError', retryable: false });
    expect(isSinkError(copy)).toBe(true);
    expect(isSinkError(new Error('plain'))).toBe(false);
    expect(isSinkError({ name: 'SinkError', retryable: true })).toBe(false);
  });
});

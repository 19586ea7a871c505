import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/pipeline/EventBus.js';
import { captureLogger } from '../fakes/captureLogger.js';

describe('EventBus', () => {
  it('logs a listener that throws or rejects and still calls the others', async () => {
    const { logger, lines } = captureLogger();
    const bus = new EventBus(logger);
    const seen: number[] = [];
    bus.on('outboxDepth', () => {
      throw new Error('metrics bug');
    });
    bus.on('outboxDepth', async () => {
      throw new Error('async metrics bug');
    });
    const off = bus.on('outboxDepth', ({ depth }) => void seen.push(depth));
    expect(() => bus.emit('outboxDepth', { sink: 'slack', depth: 3 })).not.toThrow();
    await new Promise<void>((resolve) => setImmediate(resolve));
    off();
    bus.emit('outboxDepth', { sink: 'slack', depth: 4 });
    expect(seen).toEqual([3]);
    expect(lines.filter((l) => l.includes('an event listener failed')).length).toBe(3);
    expect(lines.some((l) => l.includes('async metrics bug'))).toBe(true);
  });
});

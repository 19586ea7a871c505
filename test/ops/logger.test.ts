import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/ops/logger.js';
import { redact, registerSecret } from '../../src/ops/redact.js';
import { captureLogger } from '../fakes/captureLogger.js';

describe('redact', () => {
  it('scrubs registered secrets, signature parameters, key headers and token shapes', () => {
    registerSecret('registered-secret-value-123');
    const text = redact(
      'secret registered-secret-value-123 url /papi/v1/cm/forceOrders?timestamp=1&signature=abcdef0123 ' +
        'X-MBX-APIKEY: KEYVALUE123 authorization: Bot MTIzNDU2.abc xoxb-1234567890-abcdef xapp-1-A0-123456789',
    );
    expect(text).not.toMatch(/registered-secret-value-123|abcdef0123|KEYVALUE123|MTIzNDU2|xoxb-1234567890|xapp-1-A0/);
    expect(text).toContain('signature=[REDACTED]');
  });

  it('leaves short values alone so ordinary words survive', () => {
    registerSecret('abc');
    expect(redact('abc def')).toBe('abc def');
  });
});

describe('createLogger', () => {
  it('writes one JSON object a line, with errors and their causes serialised and redacted', () => {
    registerSecret('another-registered-secret');
    const { logger, lines } = captureLogger();
    const error = new Error('failed with another-registered-secret', { cause: new Error('socket hang up') });
    logger.child({ component: 'poller' }).error('poll failed', { error });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? '{}');
    expect(entry).toMatchObject({
      level: 'error',
      msg: 'poll failed',
      component: 'poller',
      error: { name: 'Error', message: 'failed with [REDACTED]', cause: { message: 'socket hang up' } },
    });
  });

  it('drops lines below the level and prints pretty lines when asked', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', format: 'pretty', write: (l) => lines.push(l), now: () => 0 });
    logger.info('hidden');
    logger.warn('shown', { sink: 'slack' });
    expect(lines).toEqual(['00:00:00.000 WARN  shown sink=slack']);
  });
});

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

  it("keeps an error's stack, redacted: a stack field in JSON, indented lines under a pretty line", () => {
    registerSecret('stack-registered-secret');
    const error = new Error('refused stack-registered-secret', { cause: new Error('socket hang up') });
    const { logger, lines } = captureLogger();
    logger.error('poll failed', { error });
    const entry = JSON.parse(lines[0] ?? '{}');
    expect(entry.error.stack).toMatch(/^Error: refused \[REDACTED\]\n {4}at .*logger\.test\.ts/);
    expect(entry.error.cause.stack).toMatch(/^Error: socket hang up\n/);
    expect(lines[0]).not.toContain('stack-registered-secret');

    const pretty: string[] = [];
    createLogger({ format: 'pretty', write: (l) => pretty.push(l), now: () => 0 }).error('poll failed', { error });
    const [head, ...below] = (pretty[0] ?? '').split('\n');
    expect(head).toBe(
      '00:00:00.000 ERROR poll failed error={"name":"Error","message":"refused [REDACTED]","cause":{"name":"Error","message":"socket hang up"}}',
    );
    expect(below[0]).toBe('    Error: refused [REDACTED]');
    expect(below[1]).toMatch(/^ {8}at .*logger\.test\.ts/);
    expect(below).toContain('    caused by: Error: socket hang up');
  });

  it("keeps the line's own time, level and msg when a field has the same name, the field's under field_<name>", () => {
    const lines: string[] = [];
    const logger = createLogger({ format: 'json', write: (l) => lines.push(l), now: () => 0 }).child({ level: 'bound' });
    logger.warn('the real message', { msg: 'a caller field', time: 'noon' });
    expect(JSON.parse(lines[0] ?? '{}')).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      level: 'warn',
      msg: 'the real message',
      field_level: 'bound',
      field_msg: 'a caller field',
      field_time: 'noon',
    });
  });
});

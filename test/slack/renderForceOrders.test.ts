import { describe, expect, it } from 'vitest';
import { renderForceOrders } from '../../src/slack/renderForceOrders.js';
import { validateBlocks } from '../fakes/slack/validateBlocks.js';
import { inputError, okResult } from './results.js';

describe('renderForceOrders', () => {
  it('renders rows newest first with totals, window, source and weight', () => {
    const message = renderForceOrders(okResult(3), 'BTCUSD');
    const json = JSON.stringify(message.blocks);
    expect(message.response_type).toBe('ephemeral');
    expect(json.indexOf('order 300000000')).toBeLessThan(json.indexOf('order 299999998'));
    expect(json).toContain('*Matched*\\n3 (3 liquidations, 0 ADL)');
    expect(json).toContain('*Source*\\nexchange');
    expect(json).toContain('*Binance weight*\\n20');
    expect(json).toContain('`/forceorders BTCUSD`');
    expect(validateBlocks(message.blocks)).toBeUndefined();
  });

  it('stays within Slack’s limits at 100 rows of a 5,000-order answer and says what it left out', () => {
    const result = okResult(100);
    if (!result.ok) throw new Error('fixture');
    const message = renderForceOrders({ ...result, total: 5000, note: 'older than 7 days: from the bot’s archive' }, 'all 7d rows 100');
    expect(validateBlocks(message.blocks)).toBeUndefined();
    const json = JSON.stringify(message.blocks);
    const shown = (json.match(/order \d{9}/g) ?? []).length;
    expect(json).toContain(`… and ${5000 - shown} more orders`);
    expect(json).toContain('from the bot’s archive');
  });

  it('says when nothing matched', () => {
    expect(JSON.stringify(renderForceOrders(okResult(0), '').blocks)).toContain('No force orders in this window.');
  });

  it('answers an error privately with the usage line', () => {
    const message = renderForceOrders(inputError('xyz'), 'xyz');
    expect(message.response_type).toBe('ephemeral');
    expect(message.text).toBe('unknown argument "xyz"\nUsage: /forceorders [BTCUSD] [liq | adl] [24h] [public]');
  });
});

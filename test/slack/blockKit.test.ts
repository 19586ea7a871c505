import { describe, expect, it } from 'vitest';
import { renderAlert, renderForceOrders } from '../../src/slack/blockKit.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { validateBlocks } from '../fakes/slack/validateBlocks.js';
import { group, single } from './notifications.js';
import { inputError, okResult } from './results.js';

describe('renderAlert', () => {
  it('renders a single liquidation with header, fields, fallback text and the order id', () => {
    const message = renderAlert(single());
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':rotating_light: LIQUIDATION · BTCUSD_PERP SELL', emoji: true },
    });
    const unix = Date.UTC(2026, 10, 25, 11, 58, 0) / 1000;
    expect(message.blocks[1]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Contracts*\n1' },
        { type: 'mrkdwn', text: '*Avg price*\n11,326.9' },
        { type: 'mrkdwn', text: '*Notional (USD)*\n100' },
        { type: 'mrkdwn', text: '*cumBase*\n0.00882854' },
        { type: 'mrkdwn', text: '*Status*\nFILLED' },
        { type: 'mrkdwn', text: '*Order id*\n165123080' },
        { type: 'mrkdwn', text: `*Time*\n<!date^${unix}^{date_short_pretty} {time_secs}|2026-11-25T11:58:00Z>` },
      ],
    });
    expect(message.text).toBe('LIQUIDATION BTCUSD_PERP SELL closing a LONG: 1 @ 11,326.9 = 100 USD, 2026-11-25T11:58:00Z, order 165123080');
    expect(validateBlocks(message.blocks)).toBeUndefined();
  });

  it('says ADL in the header of an ADL', () => {
    const message = renderAlert(single(forceOrderFixture({ kind: 'ADL', clientOrderId: 'adl_autoclose' })));
    expect(message.blocks[0]).toMatchObject({ text: { text: ':warning: ADL · BTCUSD_PERP SELL' } });
  });

  it('escapes every dynamic string so nothing from the exchange can mention or link', () => {
    const message = renderAlert(single(forceOrderFixture({ clientOrderId: 'autoclose-<!channel>&<@U1>', status: '<https://evil|x>' })));
    const all = JSON.stringify(message);
    expect(all).not.toMatch(/<!channel>|<@U1>|<https/);
    expect(all).toContain('autoclose-&lt;!channel&gt;&amp;&lt;@U1&gt;');
  });

  it('puts the mention first only when asked to', () => {
    const plain = renderAlert(single());
    const loud = renderAlert(single(), { mention: '<!subteam^S123>' });
    expect(JSON.stringify(plain)).not.toContain('subteam');
    expect(loud.text.startsWith('<!subteam^S123> ')).toBe(true);
    expect(loud.blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '<!subteam^S123>' } });
  });

  it('keeps a group of 1,000 orders inside every Slack limit and says how many it left out', () => {
    const notification = group(1000);
    const message = renderAlert(notification);
    expect(validateBlocks(message.blocks)).toBeUndefined();
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    const json = JSON.stringify(message.blocks);
    const shown = (json.match(/order 2000\d{5}/g) ?? []).length;
    expect(shown).toBeGreaterThan(50);
    // Newest first: the last order of the cascade is listed, the first is not.
    expect(json).toContain('order 200000999');
    expect(json).not.toMatch(/order 200000000(?!\d)/);
    expect(json).toContain(`… and ${1000 - shown} more orders`);
    expect(message.text).toBe('1000 force orders (666 LIQUIDATION, 334 ADL), 399,700 USD notional');
  });
});

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

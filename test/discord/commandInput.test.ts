import { describe, expect, it } from 'vitest';
import { mayRunForceOrders } from '../../src/discord/commandAccess.js';
import { forceOrdersText } from '../../src/discord/forceOrdersText.js';
import { suggestSymbols } from '../../src/discord/suggestSymbols.js';

const none = { symbol: null, type: null, since: null, limit: null, public: null };

describe('forceOrdersText', () => {
  it('turns each option into exactly one word, in the parser order', () => {
    expect(forceOrdersText(none)).toBe('');
    expect(forceOrdersText({ symbol: 'btcusd_perp', type: 'adl', since: '7d', limit: 10, public: true })).toBe(
      'btcusd_perp adl 7d 10 public',
    );
    expect(forceOrdersText({ ...none, type: 'all', public: false })).toBe('');
    // Spaces inside a value cannot smuggle in a second word (a kind, a window) for the parser.
    expect(forceOrdersText({ ...none, symbol: 'BTCUSD adl', since: ' 24 h ' })).toBe('BTCUSDadl 24h');
  });
});

describe('suggestSymbols', () => {
  it('puts prefix matches first (shortest first), then substring matches, each once, at most 25', () => {
    const known = ['ETHUSD_PERP', 'BTCUSD_PERP', 'btcusd_perp', 'XBTCUSD_PERP', ...Array.from({ length: 30 }, (_, i) => `BTC${i}USD_PERP`)];
    const choices = suggestSymbols(known, 'btc');
    expect(choices).toHaveLength(25);
    expect(choices.filter((c) => c.value === 'BTCUSD_PERP')).toHaveLength(1);
    expect(suggestSymbols(known, 'cusd_p').map((c) => c.value)).toContain('XBTCUSD_PERP');
    expect(suggestSymbols(['BTCUSD_PERP', 'XBTCUSD_PERP'], 'BTC').map((c) => c.value)).toEqual(['BTCUSD_PERP', 'XBTCUSD_PERP']);
  });
});

describe('mayRunForceOrders', () => {
  const access = { allowedRoleIds: ['1'], allowedChannelIds: ['10'] };
  it('allows a role anywhere in a guild, anyone in an allowed channel, nobody outside a guild', () => {
    expect(mayRunForceOrders(access, { roleIds: ['1'], channelId: '99', guildId: 'g' })).toBe(true);
    expect(mayRunForceOrders(access, { roleIds: [], channelId: '10', guildId: 'g' })).toBe(true);
    expect(mayRunForceOrders(access, { roleIds: ['2'], channelId: '99', guildId: 'g' })).toBe(false);
    expect(mayRunForceOrders(access, { roleIds: ['1'], channelId: '10', guildId: null })).toBe(false);
  });
});

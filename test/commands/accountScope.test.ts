import { describe, expect, it } from 'vitest';
import {
  type CommandCaller,
  chooseAccountText,
  MAX_ACCOUNTS_PER_ANSWER,
  mayRead,
  type ScopedAccount,
  scopeCommand,
  scopedCommands,
} from '../../commands/accountScope.js';
import type { ForceOrdersResult } from '../../src/queries.js';

/** An account alerting to Slack `C0<NAME>` and Discord `<id>`, readable there only unless `access` says more. */
function account(name: string, discordId: string, access: Partial<ScopedAccount['access']> = {}): ScopedAccount {
  const slack = `C0${name.toUpperCase().replace(/-/g, '')}`;
  return {
    name,
    alertChannels: { slack, discord: discordId },
    access: {
      slackAllowedUsers: [],
      slackAllowedChannels: [slack],
      discordAllowedRoleIds: [],
      discordAllowedChannelIds: [discordId],
      ...access,
    },
  };
}

const deskA = account('desk-a', '100000000000000001', { slackAllowedUsers: ['U0BOSS'], discordAllowedRoleIds: ['900000000000000009'] });
const deskB = account('desk-b', '100000000000000002', { slackAllowedUsers: ['U0BOSS'] });
const treasury = account('treasury', '100000000000000003');
const accounts = [deskA, deskB, treasury];

const inSlack = (channelId: string, userId = 'U0SOMEONE'): CommandCaller => ({ platform: 'slack', userId, channelId });
const inDiscord = (channelId: string | null, roleIds: string[] = []): CommandCaller => ({
  platform: 'discord',
  userId: '700000000000000007',
  channelId,
  roleIds,
});

describe('mayRead', () => {
  it('lets a listed user or role read anywhere, anyone read in a listed channel, and the console read everything', () => {
    expect(mayRead(deskA, inSlack('C0ELSEWHERE', 'U0BOSS'))).toBe(true);
    expect(mayRead(deskA, inSlack('C0DESKA'))).toBe(true);
    expect(mayRead(deskA, inSlack('C0DESKB'))).toBe(false);
    expect(mayRead(deskA, inDiscord('555555555555555555', ['900000000000000009']))).toBe(true);
    expect(mayRead(deskA, inDiscord('100000000000000001'))).toBe(true);
    expect(mayRead(deskA, inDiscord(null))).toBe(false);
    expect(mayRead(treasury, { platform: 'console' })).toBe(true);
  });
});

describe('scopeCommand', () => {
  it('takes the account word off the text when the caller may read that account', () => {
    expect(scopeCommand(accounts, inSlack('C0ELSEWHERE', 'U0BOSS'), 'desk-b BTCUSD 3d')).toEqual({
      ok: true,
      accounts: ['desk-b'],
      text: 'BTCUSD 3d',
    });
  });

  it('refuses an account word the caller may not read, even in a channel another account alerts to', () => {
    expect(scopeCommand(accounts, inSlack('C0DESKA'), 'treasury BTCUSD')).toEqual({ ok: false, why: 'forbidden' });
  });

  it('without an account word answers the account routed to the channel, the text untouched', () => {
    expect(scopeCommand(accounts, inSlack('C0TREASURY'), 'BTCUSD 3d')).toEqual({ ok: true, accounts: ['treasury'], text: 'BTCUSD 3d' });
    expect(scopeCommand(accounts, inDiscord('100000000000000002'), '')).toEqual({ ok: true, accounts: ['desk-b'], text: '' });
  });

  it('answers every account routed to a shared channel, each under its name', () => {
    const shared = [account('desk-a', '1'), account('desk-b', '1')].map((a) => ({
      ...a,
      alertChannels: { slack: 'C0SHARED' },
      access: { ...a.access, slackAllowedChannels: ['C0SHARED'] },
    }));
    expect(scopeCommand(shared, inSlack('C0SHARED'), 'ETHUSD')).toEqual({ ok: true, accounts: ['desk-a', 'desk-b'], text: 'ETHUSD' });
  });

  it('asks which account when the caller may read several and the channel is routed to none', () => {
    expect(scopeCommand(accounts, inSlack('D0DIRECT', 'U0BOSS'), 'BTCUSD')).toEqual({
      ok: false,
      why: 'choose',
      choices: ['desk-a', 'desk-b'],
    });
  });

  it('answers every account at the console, which has no channel and reads them all', () => {
    expect(scopeCommand(accounts, { platform: 'console' }, 'BTCUSD')).toEqual({
      ok: true,
      accounts: ['desk-a', 'desk-b', 'treasury'],
      text: 'BTCUSD',
    });
  });

  it('answers the only account a caller may read wherever they ask', () => {
    expect(scopeCommand(accounts, inDiscord('555555555555555555', ['900000000000000009']), '7d')).toEqual({
      ok: true,
      accounts: ['desk-a'],
      text: '7d',
    });
  });

  it('refuses a stranger outright, whatever they type', () => {
    expect(scopeCommand(accounts, inSlack('C0RANDOM'), 'BTCUSD')).toEqual({ ok: false, why: 'forbidden' });
    expect(scopeCommand(accounts, inSlack('C0RANDOM'), 'desk-a')).toEqual({ ok: false, why: 'forbidden' });
  });

  it("takes Discord's account option over the first word, and leaves typed options alone", () => {
    expect(scopeCommand(accounts, inDiscord(null, ['900000000000000009']), '', 'desk-a')).toEqual({
      ok: true,
      accounts: ['desk-a'],
      text: '',
    });
    expect(scopeCommand(accounts, inDiscord('100000000000000001'), '', 'treasury')).toEqual({ ok: false, why: 'forbidden' });
  });

  it('reads a symbol that is not an account name as the query, and matches the account word in any case', () => {
    expect(scopeCommand(accounts, inSlack('C0DESKA'), 'BTCUSD')).toMatchObject({ accounts: ['desk-a'], text: 'BTCUSD' });
    expect(scopeCommand(accounts, inSlack('C0DESKA'), 'Desk-A ETHUSD')).toMatchObject({ accounts: ['desk-a'], text: 'ETHUSD' });
  });

  it(`asks which account past ${MAX_ACCOUNTS_PER_ANSWER} accounts routed to one channel`, () => {
    const many = Array.from({ length: MAX_ACCOUNTS_PER_ANSWER + 1 }, (_, i) => ({
      ...account(`desk-${i}`, '1'),
      alertChannels: { slack: 'C0SHARED' },
      access: { ...account(`desk-${i}`, '1').access, slackAllowedChannels: ['C0SHARED'] },
    }));
    expect(scopeCommand(many, inSlack('C0SHARED'), '')).toMatchObject({ ok: false, why: 'choose' });
  });
});

describe('scopedCommands', () => {
  const refusal = (account: string): ForceOrdersResult => ({ ok: false, reason: 'input', error: `asked ${account}`, usage: '' });

  it('runs each account the scope names with the rest of the text, and nothing for a stranger', async () => {
    const ran: string[] = [];
    const commands = scopedCommands(() => accounts, {
      forceOrders: async (name, input) => {
        ran.push(`${name}:${String(input)}`);
        return refusal(name);
      },
      knownSymbols: (name) => (name === 'desk-a' ? ['BTCUSD_PERP'] : ['ETHUSD_PERP', 'BTCUSD_PERP']),
    });
    const outcome = commands.forceOrders('desk-b BTCUSD 3d', inSlack('C0X', 'U0BOSS'));
    expect(ran).toEqual([]); // nothing runs before the adapter asks for the answers
    expect(outcome.ok && (await outcome.answers())).toEqual([{ account: 'desk-b', result: refusal('desk-b') }]);
    expect(ran).toEqual(['desk-b:BTCUSD 3d']);
    expect(commands.forceOrders('BTCUSD', inSlack('C0RANDOM'))).toEqual({ ok: false, why: 'forbidden' });
    expect(commands.risk).toBeUndefined();
    expect(commands.readableAccounts(inSlack('C0X', 'U0BOSS'))).toEqual(['desk-a', 'desk-b']);
    expect(commands.knownSymbols(inSlack('C0X', 'U0BOSS'))).toEqual(['BTCUSD_PERP', 'ETHUSD_PERP']);
    expect(commands.knownSymbols(inSlack('C0RANDOM'))).toEqual([]);
  });
});

describe('chooseAccountText', () => {
  it('names the command, an example and the accounts the caller may pick', () => {
    expect(chooseAccountText('/risk', ['desk-a', 'desk-b'])).toBe(
      'Which account? Name it first, e.g. `/risk desk-a …`. Yours: desk-a, desk-b.',
    );
  });
});

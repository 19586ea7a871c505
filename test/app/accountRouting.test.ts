import { describe, expect, it } from 'vitest';
import type { AccountConfig } from '../../src/accounts/AccountConfig.js';
import { accountSink, scopedAccount } from '../../src/app/accountRouting.js';
import type { Settings } from '../../src/app/loadSettings.js';
import type { CoreConfig } from '../../src/config.js';
import type { DiscordConfig } from '../../src/discord/DiscordConfig.js';
import type { SlackConfig } from '../../src/slack/slackConfig.js';
import { RecordingSink } from '../fakes/recordingSink.js';

const slack = { alertChannel: 'C0ALERTS', allowedUsers: ['U0BOSS'], allowedChannels: ['C0ALERTS', 'C0OPS'] } as SlackConfig;
const discord = {
  alertChannelId: '100000000000000001',
  allowedRoleIds: ['900000000000000009'],
  allowedChannelIds: ['100000000000000001'],
} as DiscordConfig;
const account = (overrides: Partial<AccountConfig> = {}): AccountConfig => ({
  name: 'desk-b',
  credentials: { apiKey: 'k' },
  markets: ['cm'],
  access: {},
  ...overrides,
});
const settings = (kind: 'env' | 'file'): Settings =>
  ({
    core: { accounts: kind === 'env' ? { kind, account: account() } : { kind, path: 'a.yaml' } } as CoreConfig,
    accounts: [],
    slack,
    discord,
  }) as Settings;

describe('scopedAccount', () => {
  it('gives the BINANCE_* variables’ account the SLACK_ALLOWED_* and DISCORD_ALLOWED_* lists, as before accounts', () => {
    expect(scopedAccount(account(), settings('env'))).toEqual({
      name: 'desk-b',
      alertChannels: { slack: 'C0ALERTS', discord: '100000000000000001' },
      access: {
        slackAllowedUsers: ['U0BOSS'],
        slackAllowedChannels: ['C0ALERTS', 'C0OPS'],
        discordAllowedRoleIds: ['900000000000000009'],
        discordAllowedChannelIds: ['100000000000000001'],
      },
    });
  });

  it('gives a file’s account only its own lists, by default its own alert channels and nobody else', () => {
    const own = scopedAccount(account({ slackChannel: 'C0DESKB', discordChannelId: '200000000000000002' }), settings('file'));
    expect(own).toEqual({
      name: 'desk-b',
      alertChannels: { slack: 'C0DESKB', discord: '200000000000000002' },
      access: {
        slackAllowedUsers: [],
        slackAllowedChannels: ['C0DESKB'],
        discordAllowedRoleIds: [],
        discordAllowedChannelIds: ['200000000000000002'],
      },
    });
    const listed = scopedAccount(account({ access: { slackAllowedUsers: ['U0ALICE'], discordAllowedChannelIds: [] } }), settings('file'));
    expect(listed.access).toMatchObject({
      slackAllowedUsers: ['U0ALICE'],
      slackAllowedChannels: ['C0ALERTS'],
      discordAllowedChannelIds: [],
    });
  });
});

describe('accountSink', () => {
  it('stamps the account on every notification and prefixes its key, so two accounts in one channel never share a key', async () => {
    const inner = new RecordingSink('slack');
    const notice = {
      type: 'notice' as const,
      key: 'notice:poll:1:warning',
      notice: { severity: 'warning' as const, title: 't', text: 'x' },
    };
    await accountSink({ name: 'desk-b', mentionNotionalUsd: '5000' }, inner, 'desk-b/').deliver(notice);
    await accountSink({ name: 'main' }, inner, '').deliver(notice);
    expect(inner.notices.map((n) => [n.key, n.account])).toEqual([
      ['desk-b/notice:poll:1:warning', { name: 'desk-b', mentionNotionalUsd: '5000' }],
      ['notice:poll:1:warning', { name: 'main' }],
    ]);
  });
});

import type { ScopedAccount } from '../../commands/accountScope.js';
import { type AccountConfig, DEFAULT_ACCOUNT_NAME } from '../accounts/AccountConfig.js';
import type { DeliverOptions, Notification, NotificationAccount, Sink } from '../sinks/Sink.js';
import type { Settings } from './loadSettings.js';

/**
 * Where an account's notifications go on each configured platform: its own channel, else the
 * platform's alert channel. Undefined for a platform that is not configured.
 */
function alertChannelsOf(account: AccountConfig, settings: Pick<Settings, 'slack' | 'discord'>): ScopedAccount['alertChannels'] {
  return {
    ...(settings.slack && { slack: account.slackChannel ?? settings.slack.alertChannel }),
    ...(settings.discord && { discord: account.discordChannelId ?? settings.discord.alertChannelId }),
  };
}

/**
 * Who may query the account. The single account of the BINANCE_* variables keeps today's lists
 * (SLACK_ALLOWED_*, DISCORD_ALLOWED_*). An account of the FORCEWATCH_ACCOUNTS file has only its own:
 * a list it leaves out means its alert channel for channels and nobody for users and roles, so
 * adding an account never lets the people of another account's channel read it.
 */
export function scopedAccount(account: AccountConfig, settings: Settings): ScopedAccount {
  const alertChannels = alertChannelsOf(account, settings);
  const fromEnv = settings.core.accounts.kind === 'env';
  const { access } = account;
  return {
    name: account.name,
    alertChannels,
    access: {
      slackAllowedUsers: access.slackAllowedUsers ?? (fromEnv ? (settings.slack?.allowedUsers ?? []) : []),
      slackAllowedChannels:
        access.slackAllowedChannels ?? (fromEnv && settings.slack ? settings.slack.allowedChannels : listOf(alertChannels.slack)),
      discordAllowedRoleIds: access.discordAllowedRoleIds ?? (fromEnv ? (settings.discord?.allowedRoleIds ?? []) : []),
      discordAllowedChannelIds:
        access.discordAllowedChannelIds ??
        (fromEnv && settings.discord ? settings.discord.allowedChannelIds : listOf(alertChannels.discord)),
    },
  };
}

function listOf(channel: string | undefined): string[] {
  return channel === undefined ? [] : [channel];
}

/**
 * `inner` as one account's sink: every notification carries the account (its name for the header, its
 * mention threshold; undefined: the unnamed only account, see `namesAccounts`), and its key gets `keyPrefix`. Accounts share channels, and a key is what the
 * resend checks look for (Slack's metadata, Discord's nonce): two accounts' notices of one incident, or
 * their digests of one day, must never pass for each other. The account of FORCEWATCH_ACCOUNT_NAME keeps
 * its keys as they were (no prefix), so an upgrade finds the messages it posted before by the same key.
 */
export function accountSink(account: NotificationAccount | undefined, inner: Sink, keyPrefix: string): Sink {
  return {
    name: inner.name,
    deliver: (notification: Notification, options?: DeliverOptions) =>
      inner.deliver({ ...notification, key: `${keyPrefix}${notification.key}`, ...(account && { account }) }, options),
  };
}

/**
 * Whether alerts and answers name their account: always with a FORCEWATCH_ACCOUNTS file or a name
 * given (FORCEWATCH_ACCOUNT_NAME); not for the one account of the BINANCE_* variables left with the
 * default name, whose alerts read exactly as before accounts existed.
 */
export function namesAccounts(settings: Settings): boolean {
  const [only] = settings.accounts;
  return settings.core.accounts.kind === 'file' || settings.accounts.length !== 1 || only?.name !== DEFAULT_ACCOUNT_NAME;
}

import type { Market } from '../binance/types.js';

/**
 * One Portfolio Margin account the bot watches: from the FORCEWATCH_ACCOUNTS file, or the single
 * account the BINANCE_* variables describe (named by FORCEWATCH_ACCOUNT_NAME, default `main`).
 */
export interface AccountConfig {
  /** Lowercase letters, digits and `-`, starting with a letter; unique. Shown in every alert, notice and answer about the account. */
  name: string;
  /** Exactly one of `apiSecret` (HMAC) and `privateKeyPath` (Ed25519/RSA PEM) is set. */
  credentials: AccountCredentials;
  /** The books watched, as BINANCE_MARKETS. */
  markets: Market[];
  /** Where its alerts, notices and digest go; undefined: the global SLACK_ALERT_CHANNEL. */
  slackChannel?: string;
  /** Undefined: the global DISCORD_ALERT_CHANNEL_ID. */
  discordChannelId?: string;
  /** Orders at or above this USD notional mention the platform's mention; undefined: ALERT_MENTION_NOTIONAL_USD. */
  mentionNotionalUsd?: string;
  /** Smaller force orders are archived and answered by /forceorders but not posted; undefined: every order is posted. */
  minNotionalUsd?: string;
  /** Who may query it; each list undefined: its default (see `AccountAccess`). */
  access: Partial<AccountAccess>;
}

/** The API key of an account; the secret is registered for redaction the moment it is read. */
export interface AccountCredentials {
  apiKey: string;
  apiSecret?: string;
  privateKeyPath?: string;
}

/**
 * Who may run /forceorders and /risk on an account: listed users (Slack) or roles (Discord) anywhere,
 * anyone in a listed channel. A list left out defaults to the channel the account alerts to.
 */
export interface AccountAccess {
  slackAllowedUsers: string[];
  slackAllowedChannels: string[];
  discordAllowedRoleIds: string[];
  discordAllowedChannelIds: string[];
}

/** Account names: what the file accepts, and what a command's first word is matched against. */
export const ACCOUNT_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** The account the BINANCE_* variables describe when there is no FORCEWATCH_ACCOUNTS file. */
export const DEFAULT_ACCOUNT_NAME = 'main';

import type { AccountConfig } from '../accounts/AccountConfig.js';
import { loadAccounts } from '../accounts/loadAccounts.js';
import { type ConfigResult, type CoreConfig, parseCoreConfig } from '../config.js';
import { type DiscordConfig, parseDiscordConfig } from '../discord/DiscordConfig.js';
import { parseSlackConfig, type SlackConfig } from '../slack/slackConfig.js';

/** Every setting of the bot: the core's and each configured chat platform's. */
export interface Settings {
  core: CoreConfig;
  /** The accounts watched, at least one: the FORCEWATCH_ACCOUNTS file's, or the BINANCE_* variables' one. */
  accounts: AccountConfig[];
  /** Absent when no SLACK_* variable is set. */
  slack?: SlackConfig;
  /** Absent when no DISCORD_* variable is set. */
  discord?: DiscordConfig;
}

/** Reads the whole environment at once, so the operator sees every problem in one go. */
export function loadSettings(env: NodeJS.ProcessEnv): { ok: true; settings: Settings } | { ok: false; errors: string[] } {
  const core = parseCoreConfig(env);
  const slack = parseSlackConfig(env);
  const discord = parseDiscordConfig(env);
  const accounts: ConfigResult<AccountConfig[]> = core.ok ? loadAccounts(core.config, env) : { ok: true, config: [] };
  const errors = [core, accounts, slack, discord].flatMap((result) => (result.ok ? [] : result.errors));
  if (!core.ok || !accounts.ok || !slack.ok || !discord.ok) return { ok: false, errors };
  return { ok: true, settings: { core: core.config, accounts: accounts.config, slack: slack.config, discord: discord.config } };
}

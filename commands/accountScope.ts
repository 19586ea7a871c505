/**
 * Which accounts a command is about, and whether the person asking may read them: the account word
 * (`/forceorders desk-a BTCUSD 3d`), else the accounts routed to the channel the command came from,
 * else the only account the person may read. Platform-neutral: each adapter says who asked.
 */

import type { AccountAccess } from '../src/accounts/AccountConfig.js';
import type { AccountAnswer, ForceOrdersResult, RiskResult } from '../src/queries.js';
import type { ForceOrdersArgs } from './parseForceOrdersArgs.js';
import type { RiskArgs } from './riskCommand.js';

/** Who typed a command, as the adapter saw it. The console (the demo's terminal) is the operator: every account. */
export type CommandCaller =
  | { platform: 'slack'; userId: string; channelId: string }
  | { platform: 'discord'; userId: string; channelId: string | null; roleIds: readonly string[] }
  | { platform: 'console' };

/** An account as commands see it: its name, who may read it, and the channels it alerts to. */
export interface ScopedAccount {
  name: string;
  /** Resolved: every list filled (defaults applied by the app). */
  access: AccountAccess;
  /** Where its alerts go on each platform, when that platform is configured. */
  alertChannels: { slack?: string; discord?: string };
}

/**
 * The most accounts one command answers without an account word: a channel several accounts alert to
 * gets each answered under its name, and past this many the reply would be a wall no one reads.
 */
export const MAX_ACCOUNTS_PER_ANSWER = 5;

/**
 * What a command may do: run on `accounts` with the rest of what was typed (`text`, the account word
 * taken off), or not run at all (`forbidden`: this person may read none of the accounts it names or
 * could mean; `choose`: they may read several and must name one, from `choices`).
 */
export type AccountScope =
  | { ok: true; accounts: string[]; text: string }
  | { ok: false; why: 'forbidden' }
  | { ok: false; why: 'choose'; choices: string[] };

/** Whether `caller` may read `account`: a listed user or role anywhere, anyone in a listed channel. */
export function mayRead(account: ScopedAccount, caller: CommandCaller): boolean {
  const { access } = account;
  switch (caller.platform) {
    case 'console':
      return true;
    case 'slack':
      return access.slackAllowedUsers.includes(caller.userId) || access.slackAllowedChannels.includes(caller.channelId);
    case 'discord':
      return (
        caller.roleIds.some((role) => access.discordAllowedRoleIds.includes(role)) ||
        (caller.channelId !== null && access.discordAllowedChannelIds.includes(caller.channelId))
      );
  }
}

/** The channel the command came from, on the caller's platform; undefined at the console. */
function channelOf(caller: CommandCaller): string | undefined {
  return caller.platform === 'console' ? undefined : (caller.channelId ?? undefined);
}

/**
 * The accounts a command is about. `text` is what was typed (Slack, the console); `named` is an
 * account option given apart (Discord), which wins over a first word. An account word the caller
 * may not read is refused exactly like an unknown one would be if it were an account: the answer
 * never tells a stranger which accounts exist.
 */
export function scopeCommand(accounts: readonly ScopedAccount[], caller: CommandCaller, text: string, named?: string): AccountScope {
  const readable = accounts.filter((account) => mayRead(account, caller));
  const trimmed = text.trim();
  const [first = '', ...rest] = trimmed.split(/\s+/);
  const word = named ?? (accounts.some((a) => a.name === first.toLowerCase()) ? first.toLowerCase() : undefined);
  const remaining = named === undefined && word !== undefined ? rest.join(' ') : trimmed;
  if (word !== undefined) {
    return readable.some((a) => a.name === word) ? { ok: true, accounts: [word], text: remaining } : { ok: false, why: 'forbidden' };
  }
  if (readable.length === 0) return { ok: false, why: 'forbidden' };
  const channel = channelOf(caller);
  // The console has no channel: its operator watches every account, so all answer (each under its name).
  const routedHere =
    caller.platform === 'console'
      ? readable
      : readable.filter((a) => channel !== undefined && Object.values(a.alertChannels).includes(channel));
  const meant = routedHere.length > 0 ? routedHere : readable;
  if (meant.length === 1 || (meant.length <= MAX_ACCOUNTS_PER_ANSWER && routedHere.length > 0)) {
    return { ok: true, accounts: meant.map((a) => a.name), text: remaining };
  }
  return { ok: false, why: 'choose', choices: meant.map((a) => a.name) };
}

/** The answer to a `choose` scope, the same words on every platform. */
export function chooseAccountText(command: string, choices: readonly string[]): string {
  const shown = choices.slice(0, 20).join(', ');
  const more = choices.length > 20 ? ` and ${choices.length - 20} more` : '';
  return `Which account? Name it first, e.g. \`${command} ${choices[0] ?? 'desk-a'} …\`. Yours: ${shown}${more}.`;
}

/**
 * What the app answers an adapter's command: its answers, one per account it is about (run only when
 * called, so an adapter acknowledges first), or why it does not run (see `AccountScope`).
 */
export type CommandOutcome<Result> =
  | { ok: true; answers: () => Promise<AccountAnswer<Result>[]> }
  | { ok: false; why: 'forbidden' }
  | { ok: false; why: 'choose'; choices: string[] };

/**
 * The bot's commands as every adapter runs them: the adapter says who asked; the scope decides which
 * accounts answer and refuses strangers before anything runs.
 */
export interface BotCommands {
  /** `/forceorders`: text (Slack, the console; may start with an account word) or typed options (Discord, `account` apart). */
  forceOrders(input: string | ForceOrdersArgs, caller: CommandCaller, account?: string): CommandOutcome<ForceOrdersResult>;
  /** `/risk`; absent when the bot has no account reader. */
  risk?: (input: string | RiskArgs, caller: CommandCaller, account?: string) => CommandOutcome<RiskResult>;
  /** The accounts `caller` may query (autocomplete, the choose answer). */
  readableAccounts(caller: CommandCaller): string[];
  /** Symbols the accounts `caller` may query have had force orders on, sorted (autocomplete). */
  knownSymbols(caller: CommandCaller): string[];
  /**
   * With several instances (high availability): true for the one instance that answers the command or
   * interaction `id` (each Discord gateway session sees every interaction); undefined: this is the only
   * instance, it answers everything.
   */
  claim?: (platform: 'slack' | 'discord', id: string) => Promise<boolean>;
}

/** How one account runs each command; `risk` absent: the bot offers no `/risk`. */
export interface AccountRunners {
  forceOrders(account: string, input: string | ForceOrdersArgs): Promise<ForceOrdersResult>;
  risk?: (account: string, input: string | RiskArgs) => Promise<RiskResult>;
  /** Symbols `account` has had force orders on. */
  knownSymbols(account: string): readonly string[];
}

/**
 * The bot's commands over `accounts` (read when a command comes, so the list may grow): each command
 * is scoped first (strangers refused before anything runs), then run once per account it is about,
 * side by side, each answer under its account's name (`nameAnswers`, default true; false for a bot's
 * only account left unnamed).
 */
export function scopedCommands(
  accounts: () => readonly ScopedAccount[],
  runners: AccountRunners,
  options: { nameAnswers?: boolean } = {},
): BotCommands {
  const { nameAnswers = true } = options;
  const scoped = <Input extends string | object, Result>(
    input: Input,
    caller: CommandCaller,
    named: string | undefined,
    run: (account: string, input: Input) => Promise<Result>,
  ): CommandOutcome<Result> => {
    const scope = scopeCommand(accounts(), caller, typeof input === 'string' ? input : '', named);
    if (!scope.ok) return scope;
    // Text loses the account word; typed options (Discord) carry the account apart and pass as they are.
    const rest = (typeof input === 'string' ? scope.text : input) as Input;
    return {
      ok: true,
      answers: () =>
        Promise.all(scope.accounts.map(async (account) => ({ ...(nameAnswers && { account }), result: await run(account, rest) }))),
    };
  };
  const readableAccounts = (caller: CommandCaller) =>
    accounts()
      .filter((account) => mayRead(account, caller))
      .map((account) => account.name);
  const { risk } = runners;
  return {
    forceOrders: (input, caller, named) => scoped(input, caller, named, runners.forceOrders),
    ...(risk && { risk: (input: string | RiskArgs, caller: CommandCaller, named?: string) => scoped(input, caller, named, risk) }),
    readableAccounts,
    knownSymbols: (caller) => [...new Set(readableAccounts(caller).flatMap((name) => runners.knownSymbols(name)))].sort(),
  };
}

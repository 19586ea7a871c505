import type { App } from '@slack/bolt';
import { DEFAULT_ACCOUNT_NAME } from '../accounts/AccountConfig.js';
import type { Logger } from '../ops/logger.js';
import type { ForceOrdersResult, RiskResult } from '../queries.js';
import type { Clock } from '../time.js';

import { renderForceOrdersAnswers, renderRiskAnswers, type SlackCommandResponse } from './blockKit.js';

/** Who may run the bot's commands: listed users anywhere, anyone in a listed channel. */
export interface SlashCommandAccess {
  allowedUsers: string[];
  allowedChannels: string[];
}

/** One slash command: how to run it, how to render its answer, and what to say when it may not or cannot run. */
export interface SlashCommandSpec<Result extends { ok: boolean }> {
  /** As registered in the app manifest, e.g. `/risk`. */
  name: string;
  /** Parses and runs the command (commands/), returning the platform-neutral result model. */
  run: (text: string) => Promise<Result>;
  /** The result as Block Kit, private unless the result says public. */
  render: (result: Result, typed: string) => SlackCommandResponse;
  /** The polite answer to someone not allowed to run it. */
  refusal: string;
  /** Shown when the command itself failed unexpectedly; the details go to the log, not to Slack. */
  failure: string;
}

/** Shared by every command: the allow list, the logger and the clock. */
export interface SlashCommandDeps {
  access: SlashCommandAccess;
  logger: Logger;
  clock: Clock;
}

/**
 * Registers a command that reads account data: acknowledged at once (Slack gives 3 s), refused
 * politely and privately for strangers without running it, answered through `response_url` otherwise.
 * Docs: https://api.slack.com/interactivity/slash-commands#responding_to_commands
 */
function registerSlashCommand<Result extends { ok: boolean }>(app: App, spec: SlashCommandSpec<Result>, deps: SlashCommandDeps): void {
  const { access, logger, clock } = deps;
  app.command(spec.name, async ({ command, ack, respond }) => {
    const who = { user: command.user_id, channel: command.channel_id, team: command.team_id };
    if (!access.allowedUsers.includes(command.user_id) && !access.allowedChannels.includes(command.channel_id)) {
      await ack({ response_type: 'ephemeral', text: spec.refusal });
      logger.info(`slack ${spec.name} refused: user and channel not allowed`, who);
      return;
    }
    await ack();
    const started = clock.now();
    let result: Result;
    try {
      result = await spec.run(command.text);
    } catch (error) {
      logger.error(`slack ${spec.name} failed`, { ...who, error });
      await respond({ response_type: 'ephemeral', text: spec.failure });
      return;
    }
    await respond(spec.render(result, command.text));
    logger.info(`slack ${spec.name} answered`, { ...who, ok: result.ok, ms: clock.now() - started });
  });
}

/** What `registerForceOrdersCommand` needs. */
export interface ForceOrdersCommandDeps extends SlashCommandDeps {
  /** Parses and runs the command (commands/), returning the platform-neutral result model. */
  runForceOrders: (text: string) => Promise<ForceOrdersResult>;
}

/** The polite answer to someone not allowed to read the account's history. */
export const FORCE_ORDERS_REFUSAL =
  "Sorry, /forceorders isn't available to you here: it is limited to approved people and channels. Ask the bot's admin if you need access.";

/** Shown when the command itself failed unexpectedly; the details go to the log, not to Slack. */
export const FORCE_ORDERS_FAILURE = 'Sorry, something went wrong on our side while looking up force orders. Please try again in a minute.';

/** Registers `/forceorders`, answered with the account's recent force orders. */
export function registerForceOrdersCommand(app: App, deps: ForceOrdersCommandDeps): void {
  const { runForceOrders, ...shared } = deps;
  registerSlashCommand(
    app,
    {
      name: '/forceorders',
      run: runForceOrders,
      render: (result, typed) => renderForceOrdersAnswers([{ account: DEFAULT_ACCOUNT_NAME, result }], typed),
      refusal: FORCE_ORDERS_REFUSAL,
      failure: FORCE_ORDERS_FAILURE,
    },
    shared,
  );
}

/** The polite answer to someone not allowed to see the account's risk (the same people as for /forceorders). */
export const RISK_REFUSAL =
  "Sorry, /risk isn't available to you here: it is limited to approved people and channels. Ask the bot's admin if you need access.";

/** Shown when the command itself failed unexpectedly; the details go to the log, not to Slack. */
export const RISK_FAILURE = "Sorry, something went wrong on our side while reading the account's risk. Please try again in a minute.";

/** Registers `/risk`, answered with the account's status, uniMMR, equity, maintenance margin and ADL quantiles. */
export function registerRiskCommand(app: App, runRisk: (text: string) => Promise<RiskResult>, deps: SlashCommandDeps): void {
  const render = (result: RiskResult, typed: string) => renderRiskAnswers([{ account: DEFAULT_ACCOUNT_NAME, result }], typed);
  registerSlashCommand(app, { name: '/risk', run: runRisk, render, refusal: RISK_REFUSAL, failure: RISK_FAILURE }, deps);
}

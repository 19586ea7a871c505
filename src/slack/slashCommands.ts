import type { App } from '@slack/bolt';
import { type BotCommands, type CommandCaller, type CommandOutcome, chooseAccountText } from '../../commands/accountScope.js';
import type { Logger } from '../ops/logger.js';
import type { AccountAnswer } from '../queries.js';
import type { Clock } from '../time.js';

import { renderForceOrdersAnswers, renderRiskAnswers, type SlackCommandResponse } from './blockKit.js';

/** One slash command: how to run it, how to render its answers, and what to say when it may not or cannot run. */
export interface SlashCommandSpec<Result extends { ok: boolean }> {
  /** As registered in the app manifest, e.g. `/risk`. */
  name: string;
  /** Scopes and runs the command (commands/): who asked decides which accounts answer. */
  run: (text: string, caller: CommandCaller) => CommandOutcome<Result>;
  /** The answers as Block Kit, private unless every answer says public. */
  render: (answers: AccountAnswer<Result>[], typed: string) => SlackCommandResponse;
  /** The polite answer to someone not allowed to run it. */
  refusal: string;
  /** Shown when the command itself failed unexpectedly; the details go to the log, not to Slack. */
  failure: string;
}

/** Shared by every command: the logger, the clock, and the claim when several instances run. */
export interface SlashCommandDeps {
  logger: Logger;
  clock: Clock;
  claim?: BotCommands['claim'];
}

/**
 * Registers a command that reads account data: strangers are refused politely and privately in the
 * acknowledgement, without running anything (Slack gives 3 s to acknowledge); an account to choose
 * is asked for the same way; otherwise acknowledged at once and answered through `response_url`.
 * Docs: https://api.slack.com/interactivity/slash-commands#responding_to_commands
 */
function registerSlashCommand<Result extends { ok: boolean }>(app: App, spec: SlashCommandSpec<Result>, deps: SlashCommandDeps): void {
  const { logger, clock } = deps;
  app.command(spec.name, async ({ command, ack, respond }) => {
    const who = { user: command.user_id, channel: command.channel_id, team: command.team_id };
    // Slack hands a command to one connection or one HTTP receiver; the claim covers a retry reaching another instance.
    if (deps.claim && !(await deps.claim('slack', command.trigger_id))) {
      // Acknowledged all the same, with nothing to show: unacknowledged, Slack would hand the envelope on
      // again, or show the user a timeout beside the other instance's answer.
      await ack();
      logger.debug(`slack ${spec.name} answered by another instance`, who);
      return;
    }
    const outcome = spec.run(command.text, { platform: 'slack', userId: command.user_id, channelId: command.channel_id });
    if (!outcome.ok) {
      const text = outcome.why === 'forbidden' ? spec.refusal : chooseAccountText(spec.name, outcome.choices);
      await ack({ response_type: 'ephemeral', text });
      logger.info(
        `slack ${spec.name} ${outcome.why === 'forbidden' ? 'refused: user and channel not allowed' : 'asked which account'}`,
        who,
      );
      return;
    }
    await ack();
    const started = clock.now();
    let answers: AccountAnswer<Result>[];
    try {
      answers = await outcome.answers();
    } catch (error) {
      logger.error(`slack ${spec.name} failed`, { ...who, error });
      await respond({ response_type: 'ephemeral', text: spec.failure });
      return;
    }
    await respond(spec.render(answers, command.text));
    const accounts = answers.map((a) => a.account);
    logger.info(`slack ${spec.name} answered`, { ...who, accounts, ok: answers.every((a) => a.result.ok), ms: clock.now() - started });
  });
}

/** The polite answer to someone not allowed to read the account's history. */
export const FORCE_ORDERS_REFUSAL =
  "Sorry, /forceorders isn't available to you here: it is limited to approved people and channels. Ask the bot's admin if you need access.";

/** Shown when the command itself failed unexpectedly; the details go to the log, not to Slack. */
export const FORCE_ORDERS_FAILURE = 'Sorry, something went wrong on our side while looking up force orders. Please try again in a minute.';

/** Registers `/forceorders`, answered with the account's recent force orders. */
export function registerForceOrdersCommand(app: App, commands: Pick<BotCommands, 'forceOrders'>, deps: SlashCommandDeps): void {
  registerSlashCommand(
    app,
    {
      name: '/forceorders',
      run: (text, caller) => commands.forceOrders(text, caller),
      render: renderForceOrdersAnswers,
      refusal: FORCE_ORDERS_REFUSAL,
      failure: FORCE_ORDERS_FAILURE,
    },
    deps,
  );
}

/** The polite answer to someone not allowed to see the account's risk (the same people as for /forceorders). */
export const RISK_REFUSAL =
  "Sorry, /risk isn't available to you here: it is limited to approved people and channels. Ask the bot's admin if you need access.";

/** Shown when the command itself failed unexpectedly; the details go to the log, not to Slack. */
export const RISK_FAILURE = "Sorry, something went wrong on our side while reading the account's risk. Please try again in a minute.";

/** Registers `/risk`, answered with the account's status, uniMMR, equity, maintenance margin and ADL quantiles. */
export function registerRiskCommand(app: App, risk: NonNullable<BotCommands['risk']>, deps: SlashCommandDeps): void {
  registerSlashCommand(
    app,
    { name: '/risk', run: (text, caller) => risk(text, caller), render: renderRiskAnswers, refusal: RISK_REFUSAL, failure: RISK_FAILURE },
    deps,
  );
}

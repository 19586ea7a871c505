import type { App } from '@slack/bolt';
import type { Logger } from '../ops/logger.js';
import type { ForceOrdersResult } from '../queries.js';
import type { Clock } from '../time.js';
import { renderForceOrders } from './blockKit.js';

/** Who may run `/forceorders`: listed users anywhere, anyone in a listed channel. */
export interface ForceOrdersAccess {
  allowedUsers: string[];
  allowedChannels: string[];
}

/** What `registerForceOrdersCommand` needs. */
export interface ForceOrdersCommandDeps {
  /** Parses and runs the command (commands/), returning the platform-neutral result model. */
  runForceOrders: (text: string) => Promise<ForceOrdersResult>;
  access: ForceOrdersAccess;
  logger: Logger;
  clock: Clock;
}

/** The polite answer to someone not allowed to read the account's history. */
export const FORCE_ORDERS_REFUSAL =
  "Sorry, /forceorders isn't available to you here: it is limited to approved people and channels. Ask the bot's admin if you need access.";

/** Shown when the command itself failed unexpectedly; the details go to the log, not to Slack. */
export const FORCE_ORDERS_FAILURE = 'Sorry, something went wrong on our side while looking up force orders. Please try again in a minute.';

/** True when the user or the channel is on the allow list. */
function isForceOrdersAllowed(access: ForceOrdersAccess, userId: string, channelId: string): boolean {
  return access.allowedUsers.includes(userId) || access.allowedChannels.includes(channelId);
}

/**
 * Registers `/forceorders`: acknowledged at once (Slack gives 3 s), refused politely and privately for
 * strangers without running the query, answered through `response_url` otherwise.
 * Docs: https://api.slack.com/interactivity/slash-commands#responding_to_commands
 */
export function registerForceOrdersCommand(app: App, deps: ForceOrdersCommandDeps): void {
  const { runForceOrders, access, logger, clock } = deps;
  app.command('/forceorders', async ({ command, ack, respond }) => {
    const who = { user: command.user_id, channel: command.channel_id, team: command.team_id };
    if (!isForceOrdersAllowed(access, command.user_id, command.channel_id)) {
      await ack({ response_type: 'ephemeral', text: FORCE_ORDERS_REFUSAL });
      logger.info('slack /forceorders refused: user and channel not allowed', who);
      return;
    }
    await ack();
    const started = clock.now();
    let result: ForceOrdersResult;
    try {
      result = await runForceOrders(command.text);
    } catch (error) {
      logger.error('slack /forceorders failed', { ...who, error });
      await respond({ response_type: 'ephemeral', text: FORCE_ORDERS_FAILURE });
      return;
    }
    await respond(renderForceOrders(result, command.text));
    logger.info('slack /forceorders answered', { ...who, ok: result.ok, ms: clock.now() - started });
  });
}

import type { App } from '@slack/bolt';
import type { ForceOrdersResult } from '../queries.js';
import { renderForceOrders } from './blockKit.js';
import { registerSlashCommand, type SlashCommandDeps } from './registerSlashCommand.js';

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
    { name: '/forceorders', run: runForceOrders, render: renderForceOrders, refusal: FORCE_ORDERS_REFUSAL, failure: FORCE_ORDERS_FAILURE },
    shared,
  );
}

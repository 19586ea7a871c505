import type { App } from '@slack/bolt';
import type { RiskResult } from '../queries.js';
import { renderRisk } from './blockKit.js';
import { registerSlashCommand, type SlashCommandDeps } from './registerSlashCommand.js';

/** The polite answer to someone not allowed to see the account's risk (the same people as for /forceorders). */
export const RISK_REFUSAL =
  "Sorry, /risk isn't available to you here: it is limited to approved people and channels. Ask the bot's admin if you need access.";

/** Shown when the command itself failed unexpectedly; the details go to the log, not to Slack. */
export const RISK_FAILURE = "Sorry, something went wrong on our side while reading the account's risk. Please try again in a minute.";

/** Registers `/risk`, answered with the account's status, uniMMR, equity, maintenance margin and ADL quantiles. */
export function registerRiskCommand(app: App, runRisk: (text: string) => Promise<RiskResult>, deps: SlashCommandDeps): void {
  registerSlashCommand(app, { name: '/risk', run: runRisk, render: renderRisk, refusal: RISK_REFUSAL, failure: RISK_FAILURE }, deps);
}

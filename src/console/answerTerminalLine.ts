import type { ForceOrdersResult, RiskResult } from '../queries.js';
import { renderForceOrdersResult } from './renderForceOrdersResult.js';
import { renderRiskResult } from './renderRiskResult.js';

/** The commands a line typed at the terminal can run (the running bot's). */
export interface TerminalCommands {
  runForceOrders(text: string): Promise<ForceOrdersResult>;
  /** Absent when the bot has no account client. */
  runRisk?: (text: string) => Promise<RiskResult>;
}

/** `/risk` (the slash optional) at the start of a line, as a whole word. */
const RISK = /^\/?risk(?=\s|$)/i;
/** `/forceorders` (slash and word optional: a bare query is a `/forceorders` query). */
const FORCE_ORDERS = /^\/?forceorders(?=\s|$)/i;

/**
 * Answers one line typed at the terminal (the demo): `/risk …` runs `/risk`, anything else
 * `/forceorders` (with or without its name), each rendered as terminal text; undefined for a blank line.
 */
export async function answerTerminalLine(line: string, commands: TerminalCommands): Promise<string | undefined> {
  const typed = line.trim();
  if (typed === '') return undefined;
  const risk = RISK.exec(typed);
  if (risk) {
    if (!commands.runRisk) return "Error: /risk is not available: this bot has no Binance account client to read the account's risk.";
    return renderRiskResult(await commands.runRisk(typed.slice(risk[0].length).trim()));
  }
  return renderForceOrdersResult(await commands.runForceOrders(typed.replace(FORCE_ORDERS, '').trim()));
}

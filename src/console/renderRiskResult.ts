import { ADL_SCALE, describeAdlPosition, riskFacts, statusMeaning } from '../format/accountRiskText.js';
import type { RiskResult } from '../queries.js';

/** A `/risk` answer as terminal text: the account's figures, what its status means, each position's ADL quantile; errors with usage. */
export function renderRiskResult(result: RiskResult): string {
  if (!result.ok) return `Error: ${result.error}\n${result.usage}`;
  const facts = riskFacts(result.account);
  const width = Math.max(...facts.map((fact) => fact.label.length));
  const lines = [
    `Account risk: ${result.account.accountStatus}`,
    `  ${statusMeaning(result.account.accountStatus)}`,
    ...facts.map((fact) => `  ${fact.label.padEnd(width)}  ${fact.value}`),
    result.positions.length === 0 ? 'No open positions in the ADL queue.' : `Positions (${ADL_SCALE}):`,
    ...result.positions.map((position) => `  - ${describeAdlPosition(position)}`),
    `Binance request weight spent: ${result.weightSpent}`,
  ];
  if (result.note !== undefined) lines.push(`Note: ${result.note}`);
  return lines.join('\n');
}

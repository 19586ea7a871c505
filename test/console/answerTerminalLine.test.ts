import { describe, expect, it } from 'vitest';
import { answerTerminalLine, renderForceOrdersAnswers, renderRiskAnswers } from '../../src/console/terminalCommands.js';
import type { ForceOrdersResult } from '../../src/queries.js';
import { riskResultFixture } from '../fakes/riskResultFixture.js';
import { singleAccountCommands } from '../fakes/singleAccountCommands.js';

/** Records what each command was given. */
function recorder() {
  const ran: [string, string][] = [];
  const noOrders: ForceOrdersResult = { ok: false, reason: 'input', error: 'e', usage: 'u' };
  return {
    ran,
    commands: singleAccountCommands(
      {
        forceOrders: async (text) => {
          ran.push(['forceorders', String(text)]);
          return noOrders;
        },
        risk: async (text) => {
          ran.push(['risk', String(text)]);
          return riskResultFixture(1);
        },
      },
      {},
    ),
  };
}

describe('answerTerminalLine', () => {
  it('runs /risk for a line starting with /risk or risk, anything else as a /forceorders query', async () => {
    const { ran, commands } = recorder();
    for (const line of ['/risk', '  RISK public ', '/forceorders BTCUSD 3d', 'ETHUSD_PERP adl', '/riskier', 'risky 7d', '   ']) {
      await answerTerminalLine(line, commands);
    }
    expect(ran).toEqual([
      ['risk', ''],
      ['risk', 'public'],
      ['forceorders', 'BTCUSD 3d'],
      ['forceorders', 'ETHUSD_PERP adl'],
      ['forceorders', '/riskier'],
      ['forceorders', 'risky 7d'],
    ]);
  });

  it('prints the /risk answer as the console renders it, and says so when the bot cannot read risk', async () => {
    const { commands } = recorder();
    expect(await answerTerminalLine('/risk', commands)).toBe(renderRiskAnswers([{ account: 'main', result: riskResultFixture(1) }]));
    expect(await answerTerminalLine('BTCUSD', commands)).toBe(
      renderForceOrdersAnswers([{ account: 'main', result: { ok: false, reason: 'input', error: 'e', usage: 'u' } }]),
    );
    expect(await answerTerminalLine('/risk', { forceOrders: commands.forceOrders })).toMatch(/^Error: \/risk is not available/);
    expect(await answerTerminalLine('', commands)).toBeUndefined();
  });
});

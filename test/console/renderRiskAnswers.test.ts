import { describe, expect, it } from 'vitest';
import { renderRiskAnswers } from '../../src/console/terminalCommands.js';
import { RISK_USAGE } from '../../src/format/accountRiskText.js';
import type { RiskResult } from '../../src/queries.js';
import { riskResultFixture } from '../fakes/riskResultFixture.js';

/** One account's answer, as the terminal of a one-account bot prints it. */
function renderRiskResult(result: RiskResult): string {
  return renderRiskAnswers([{ account: 'main', result }]);
}

describe('renderRiskAnswers', () => {
  it('prints the status and what it means, the figures, each position riskiest first, and the weight', () => {
    const result = riskResultFixture(2);
    result.positions[1] = { ...result.positions[1]!, quantiles: { LONG: 3, SHORT: 3 }, hedged: true, highest: 3 };
    expect(
      renderRiskResult({ ...result, note: 'ADL quantiles missing for COIN-M: Binance is not answering right now: try again shortly.' }),
    ).toBe(
      [
        'main · Account risk: REDUCE_ONLY',
        '  Reduce only: orders that open or add to positions are refused until uniMMR recovers; add collateral or reduce.',
        '  Status                    REDUCE_ONLY',
        '  uniMMR                    1.0812',
        '  Equity (USD)              54,000.12',
        '  Actual equity (USD)       60,000',
        '  Maintenance margin (USD)  49,942.5',
        '  Margin open loss (USD)    0',
        '  Updated                   2026-11-25T11:59:30Z',
        'Positions (ADL quantile 0 (last in the queue) to 4 (first to be auto-deleveraged)):',
        '  - SYM0USDT (USD-M): 4 · LONG 0, SHORT 0, BOTH 4',
        '  - SYM1USD_PERP (COIN-M): 3 · LONG 3, SHORT 3 (crossed hedge mode)',
        'Binance request weight spent: 30',
        'Note: ADL quantiles missing for COIN-M: Binance is not answering right now: try again shortly.',
      ].join('\n'),
    );
  });

  it('says when there are no positions, and leaves out a figure Binance sent empty', () => {
    const result = riskResultFixture(0);
    const { totalMarginOpenLoss: _none, ...account } = result.account;
    const text = renderRiskResult({ ...result, account: { ...account, accountStatus: 'NORMAL' } });
    expect(text).toContain('Healthy: no margin call.');
    expect(text).toContain('No open positions in the ADL queue.');
    expect(text).not.toContain('Margin open loss');
  });

  it('prints an error with the usage', () => {
    expect(
      renderRiskResult({ ok: false, reason: 'exchange', error: 'Binance rate limit: try again in a minute.', usage: RISK_USAGE }),
    ).toBe('main · Error: Binance rate limit: try again in a minute.\nUsage: /risk [public]');
  });

  it.each([1, 3, 12])('prints %i accounts’ answers one after the other, each headed by a line naming its account', (count) => {
    const answers = Array.from({ length: count }, (_, i) => ({ account: `desk-${i}`, result: riskResultFixture(2) }));
    const blocks = renderRiskAnswers(answers).split('\n\n');
    expect(blocks.map((block) => block.split('\n')[0])).toEqual(answers.map((a) => `${a.account} · Account risk: REDUCE_ONLY`));
    for (const block of blocks) expect(block).toContain('  - SYM0USDT (USD-M): 4 · LONG 0, SHORT 0, BOTH 4');
  });
});

import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { riskCommand } from '../../commands/riskCommand.js';
import type { RiskResult } from '../../src/queries.js';
import { renderRiskAnswers, type SlackCommandResponse } from '../../src/slack/blockKit.js';
import { createSlackAdapter, type SlackAdapter } from '../../src/slack/createSlackAdapter.js';
import type { SlackConfig } from '../../src/slack/slackConfig.js';
import { FORCE_ORDERS_REFUSAL, RISK_FAILURE, RISK_REFUSAL } from '../../src/slack/slashCommands.js';
import { type Harness, startHarness } from '../binance/harness.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { riskResultFixture } from '../fakes/riskResultFixture.js';
import { singleAccountCommands } from '../fakes/singleAccountCommands.js';
import { ACK_DEADLINE_MS, FakeSlack } from '../fakes/slack/FakeSlack.js';
import { validateBlocks } from '../fakes/slack/validateBlocks.js';
import { okResult } from './results.js';

/** One account's answer, as a channel with one account gets it. */
function renderRisk(result: RiskResult, typed: string): SlackCommandResponse {
  return renderRiskAnswers([{ account: 'main', result }], typed);
}

const BOT_TOKEN = 'xoxb-3333-4444-risktestbot';
const APP_TOKEN = 'xapp-1-A0FORCEWATCH-5555-risktestapp';

describe('/risk on Slack, through the fake Slack against the simulator', () => {
  let slack: FakeSlack;
  let adapter: SlackAdapter;
  let h: Harness;
  let logs: ReturnType<typeof captureLogger>;
  let fail: Error | undefined;

  beforeEach(async () => {
    h = await startHarness();
    h.sim.risk.set({ status: 'MARGIN_CALL', uniMMR: '1.35', accountEquity: '27000' });
    h.sim.adl.set([
      { market: 'um', symbol: 'BTCUSDT', positionSide: 'BOTH', quantile: 4 },
      { market: 'cm', symbol: 'BTCUSD_PERP', positionSide: 'SHORT', quantile: 1 },
    ]);
    fail = undefined;
    slack = new FakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN, pingIntervalMs: 200 });
    await slack.start();
    logs = captureLogger();
    const deps = { account: h.client.account(), markets: ['cm', 'um'] as const, now: () => Date.now() };
    const config: SlackConfig = {
      botToken: BOT_TOKEN,
      alertChannel: 'C0ALERTS',
      connection: { mode: 'socket', appToken: APP_TOKEN },
      apiUrl: slack.apiUrl,
      allowedUsers: ['U0BOSS'],
      allowedChannels: ['C0ALERTS'],
    };
    adapter = createSlackAdapter({
      config,
      logger: logs.logger,
      commands: singleAccountCommands(
        {
          forceOrders: async () => okResult(1),
          risk: async (text) => {
            if (fail) throw fail;
            return riskCommand(text, deps);
          },
        },
        { slack: config },
      ),
    });
    await adapter.start();
  });
  afterEach(async () => {
    await adapter.stop();
    await slack.stop();
  });

  /** Sends `/risk` and resolves with the body posted to its response_url. */
  async function risk(fields: Parameters<FakeSlack['sendSlashCommand']>[0] = {}) {
    const ack = await slack.sendSlashCommand({ command: '/risk', ...fields });
    expect(ack.elapsedMs).toBeLessThan(ACK_DEADLINE_MS);
    await slack.until(() => slack.responses.length === 1);
    return slack.responses[0]!.body as { response_type: string; text: string; blocks: unknown[] };
  }

  it('answers privately with the status, its meaning, the figures and each position riskiest first', async () => {
    const body = await risk();
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toBe('main · MARGIN_CALL: uniMMR 1.35, equity 27,000 USD, maintenance margin 20,000 USD');
    expect(validateBlocks(body.blocks)).toBeUndefined();
    const shown = JSON.stringify(body.blocks);
    expect(shown).toContain(':warning: main · Account risk: MARGIN_CALL');
    expect(shown).toContain('Margin call: add collateral or reduce positions');
    expect(shown).toContain('*Maintenance margin (USD)*\\n20,000');
    expect(shown).toContain('*Binance weight*\\n30');
    expect(shown.indexOf('BTCUSDT (USD-M): 4')).toBeGreaterThan(-1);
    expect(shown.indexOf('BTCUSDT (USD-M): 4')).toBeLessThan(shown.indexOf('BTCUSD_PERP (COIN-M): 1'));
    expect(shown).toContain('`/risk`');
  });

  it('answers in the channel when asked for public', async () => {
    expect((await risk({ text: 'public' })).response_type).toBe('in_channel');
  });

  it('refuses a user and channel not allowed, as /forceorders does, without asking Binance', async () => {
    const asked = h.sim.requests.length;
    const ack = await slack.sendSlashCommand({ command: '/risk', user_id: 'U0STRANGER', channel_id: 'C0ELSEWHERE' });
    expect(ack.payload).toEqual({ response_type: 'ephemeral', text: RISK_REFUSAL });
    const other = await slack.sendSlashCommand({ command: '/forceorders', user_id: 'U0STRANGER', channel_id: 'C0ELSEWHERE' });
    expect(other.payload).toEqual({ response_type: 'ephemeral', text: FORCE_ORDERS_REFUSAL });
    // Allowed anywhere by user, and by anyone in an allowed channel.
    await slack.sendSlashCommand({ command: '/risk', user_id: 'U0BOSS', channel_id: 'C0ELSEWHERE' });
    await slack.sendSlashCommand({ command: '/risk', user_id: 'U0STRANGER', channel_id: 'C0ALERTS' });
    await slack.until(() => slack.responses.length === 2);
    expect(h.sim.requests.length).toBe(asked + 6);
    expect(logs.lines.some((l) => l.includes('slack /risk refused') && l.includes('U0STRANGER'))).toBe(true);
  });

  it('gives a clear short answer, privately, when Binance refuses, and keeps its message out of Slack', async () => {
    h.sim.injectFault({
      type: 'binanceError',
      code: -2015,
      msg: 'Invalid API-key, IP, or permissions for action.',
      status: 401,
      path: '/papi/v1/account',
    });
    const body = await risk({ text: 'public' });
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toBe('main · Binance rejected the API key: check BINANCE_API_KEY, its secret or private key, and the IP allow-list.');
    expect(JSON.stringify(body.blocks)).toContain('Usage: /risk [public]');
    expect(JSON.stringify(body)).not.toContain('Invalid API-key');
    expect(validateBlocks(body.blocks)).toBeUndefined();
  });

  it('apologises privately when the command itself throws, and logs why', async () => {
    fail = new Error('wiring broke');
    expect(await risk()).toEqual({ response_type: 'ephemeral', text: RISK_FAILURE });
    expect(logs.lines.some((l) => l.includes('"level":"error"') && l.includes('wiring broke'))).toBe(true);
  });
});

describe('the Slack app manifest', () => {
  it('declares /risk beside /forceorders, so Slack delivers it to the handler', async () => {
    const manifest = await readFile(new URL('../../slack-app-manifest.yml', import.meta.url), 'utf8');
    expect([...manifest.matchAll(/^\s+- command: (\S+)$/gm)].map((m) => m[1])).toEqual(['/forceorders', '/risk']);
  });
});

describe('renderRisk', () => {
  it('stays within Block Kit limits with hundreds of positions, and says how many it left out', () => {
    const message = renderRisk(riskResultFixture(600, { note: 'x'.repeat(5000) }), 'public '.repeat(100));
    expect(validateBlocks(message.blocks)).toBeUndefined();
    const shown = JSON.stringify(message.blocks);
    const listed = (shown.match(/ · LONG 0, SHORT 0, BOTH/g) ?? []).length;
    expect(listed).toBeGreaterThan(50);
    expect(shown).toContain(`… and ${600 - listed} more positions`);
  });

  it('makes nothing in the answer a live mention or link', () => {
    const result = riskResultFixture(1, { note: '<!channel> @here <https://evil.example|x>' });
    const shown = JSON.stringify(renderRisk(result, '<@U1> @everyone'));
    expect(shown).not.toMatch(/<!channel>|<@U1>|<https:|(?<!\u2060|＠)@(everyone|here)/);
  });
});

describe('renderRiskAnswers', () => {
  it.each([1, 3, 12])('puts %i accounts’ /risk answers in one response within Block Kit limits, each under its own header', (count) => {
    const answers = Array.from({ length: count }, (_, i) => ({
      account: `desk-${i}`,
      result: riskResultFixture(600, { note: 'n'.repeat(500) }),
    }));
    const message = renderRiskAnswers(answers, 'public');
    expect(validateBlocks(message.blocks)).toBeUndefined();
    const headers = message.blocks.flatMap((b) => (b.type === 'header' ? [b.text.text] : []));
    expect(headers).toEqual(answers.map((a) => `:rotating_light: ${a.account} · Account risk: REDUCE_ONLY`));
    const shown = JSON.stringify(message.blocks);
    const listed = (shown.match(/ · LONG 0, SHORT 0, BOTH/g) ?? []).length;
    expect(listed).toBeGreaterThanOrEqual(count);
    expect(message.text.split('\n')).toEqual(
      answers.map((a) => `${a.account} · REDUCE_ONLY: uniMMR 1.0812, equity 54,000.12 USD, maintenance margin 49,942.5 USD`),
    );
  });

  it('shows fewer accounts in full, and names the rest in a line each, when their figures crowd the text budget', () => {
    const huge = '9'.repeat(1_900);
    const answers = Array.from({ length: 12 }, (_, i) => {
      const result = riskResultFixture(5, { note: 'n'.repeat(3_000) });
      return { account: `desk-${i}`, result: { ...result, account: { ...result.account, accountEquity: huge, actualEquity: huge } } };
    });
    const message = renderRiskAnswers(answers, '');
    expect(validateBlocks(message.blocks)).toBeUndefined();
    const headers = message.blocks.filter((b) => b.type === 'header').length;
    expect(headers).toBeLessThan(12);
    const shown = JSON.stringify(message.blocks);
    expect(shown).toContain(`${12 - headers} more accounts, in one line each`);
    for (const { account } of answers) expect(shown).toContain(`${account} · `);
  });

  it('names an account whose risk could not be read, with the error under it', () => {
    const message = renderRiskAnswers(
      [
        { account: 'desk-a', result: riskResultFixture(1) },
        {
          account: 'desk-b',
          result: { ok: false, reason: 'exchange', error: 'Binance rate limit: try again in a minute.', usage: 'Usage: /risk [public]' },
        },
      ],
      '',
    );
    const shown = JSON.stringify(message.blocks);
    expect(shown).toContain('"text":"desk-b · Account risk"');
    expect(shown.indexOf('desk-b · Account risk')).toBeLessThan(shown.indexOf(':x: Binance rate limit'));
    expect(message.response_type).toBe('ephemeral');
    expect(validateBlocks(message.blocks)).toBeUndefined();
  });
});

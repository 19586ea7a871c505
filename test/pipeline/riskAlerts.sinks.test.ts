import { REST } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleSink } from '../../src/console/ConsoleSink.js';
import { discordRestOptions } from '../../src/discord/DiscordConfig.js';
import { DiscordSink } from '../../src/discord/DiscordSink.js';
import { RISK_GUIDANCE_NOTE, RISK_LEVEL_GUIDANCE } from '../../src/format/riskAlertText.js';
import { registerSecret } from '../../src/ops/redact.js';
import { RISK_ACTIVE_POLL_MS } from '../../src/pipeline/RiskMonitor.js';
import type { SimRiskInput } from '../../src/simulator/accountRisk.js';
import type { Sink } from '../../src/sinks/Sink.js';
import { createSlackWebClient } from '../../src/slack/createSlackAdapter.js';
import { SlackSink } from '../../src/slack/SlackSink.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeDiscord } from '../fakes/discord/FakeDiscord.js';
import { FakeSlack } from '../fakes/slack/FakeSlack.js';
import { pushRisk, type RiskWorld, startRiskRun, startRiskWorld } from './riskHarness.js';

const BOT_TOKEN = 'xoxb-1111-2222-risksinksecret';
const SLACK_MENTION = '<!subteam^S0RISKTEAM>';
const ROLE_ID = '1000000000000000777';

/**
 * Risk alerts from the simulator's `riskLevelChange` and `GET /papi/v1/account`, through the risk
 * monitor, the store and the dispatcher, to the real Slack, Discord and console sinks, the chat ones
 * against the wire-faithful fakes (which refuse what the platforms refuse: block and embed limits).
 */
describe('risk alerts at Slack, Discord and the console', () => {
  let world: RiskWorld;
  let slack: FakeSlack;
  let discord: FakeDiscord;
  let rest: REST;
  const printed: string[] = [];
  const log = captureLogger();

  beforeEach(async () => {
    world = await startRiskWorld(9);
    slack = new FakeSlack({ botToken: BOT_TOKEN });
    await slack.start();
    discord = await FakeDiscord.start();
    registerSecret(discord.token);
    rest = new REST(discordRestOptions(discord.apiUrl)).setToken(discord.token);
    printed.length = 0;
  });

  afterEach(async () => {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
    await Promise.all([slack.stop(), discord.close(), world.close()]);
  });

  it('delivers each level once everywhere, mentions at REDUCE_ONLY only, then one "back to normal"', async () => {
    const sinks: Sink[] = [
      new SlackSink({
        client: createSlackWebClient(BOT_TOKEN, slack.apiUrl, log.logger),
        channel: 'C0ALERTS',
        logger: log.logger,
        mention: SLACK_MENTION,
        mentionNotionalUsd: '1000000000', // force orders mention only above this; risk alerts by level
        minIntervalMs: 0,
      }),
      new DiscordSink({
        rest,
        channelId: discord.alertChannelId,
        mentions: { roleId: ROLE_ID, minNotionalUsd: '1000000000' },
        logger: log.logger,
      }),
      new ConsoleSink({ write: (text) => void printed.push(text) }),
    ];
    const { clock, sim } = world;
    const run = await startRiskRun(world, sinks, log.logger);
    const { monitor } = run;
    const setRisk = (input: SimRiskInput) => pushRisk(sim, input);
    const allDelivered = async (count: number) => {
      while (slack.messages.length < count || discord.messages.length < count || printed.length < count) {
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    };

    const marginCall = setRisk({ status: 'MARGIN_CALL', uniMMR: '1.35', accountEquity: '13500', actualEquity: '14000' });
    await monitor.take(marginCall);
    await monitor.take(marginCall); // the same event again, as a stream rotation delivers it
    await allDelivered(1);
    await clock.advance(1_000);
    await monitor.take(setRisk({ status: 'REDUCE_ONLY', uniMMR: '1.12' }));
    await allDelivered(2);
    sim.risk.set({ status: 'NORMAL', uniMMR: '2.4' });
    await clock.advance(RISK_ACTIVE_POLL_MS);
    await allDelivered(3);
    await run.stop();

    expect(slack.messages).toHaveLength(3);
    expect(discord.messages).toHaveLength(3);
    expect(printed).toHaveLength(3);

    // Slack: the level, uniMMR, equity and maintenance margin, the meaning and what to do; the mention at REDUCE_ONLY only.
    const [first, second, third] = slack.messages;
    expect(first?.text).toBe('Account risk: MARGIN_CALL: uniMMR 1.35, equity 13,500 USD, maintenance margin 10,000 USD');
    const firstBlocks = JSON.stringify(first?.blocks);
    expect(firstBlocks).toContain('Account risk: MARGIN_CALL');
    expect(firstBlocks).toContain('*uniMMR*\\n1.35');
    expect(firstBlocks).toContain('*Maintenance margin (USD)*\\n10,000');
    expect(firstBlocks).toContain(RISK_LEVEL_GUIDANCE.MARGIN_CALL.action);
    expect(firstBlocks).toContain(RISK_GUIDANCE_NOTE);
    expect(first?.text).not.toContain(SLACK_MENTION);
    expect(second?.text?.startsWith(`${SLACK_MENTION} Account risk: REDUCE_ONLY`)).toBe(true);
    expect(JSON.stringify(second?.blocks)).toContain(RISK_LEVEL_GUIDANCE.REDUCE_ONLY.meaning);
    expect(third?.text).toMatch(/^Account back to NORMAL: uniMMR 2\.4,/);
    expect(JSON.stringify(third?.blocks)).not.toContain(SLACK_MENTION);

    // Discord: one embed each, the role pinged at REDUCE_ONLY only, nothing else ever pinged.
    expect(discord.messages.map((m) => m.pinged)).toEqual([
      { everyone: false, roles: [], users: [] },
      { everyone: false, roles: [ROLE_ID], users: [] },
      { everyone: false, roles: [], users: [] },
    ]);
    const embed = discord.messages[1]?.body.embeds?.[0];
    expect(embed?.title).toBe('Account risk: REDUCE\\_ONLY');
    expect(Object.fromEntries(embed?.fields?.map((f) => [f.name, f.value]) ?? [])).toMatchObject({ uniMMR: '1.12' });
    expect(embed?.footer?.text).toContain(RISK_GUIDANCE_NOTE);

    // The console: told apart from force orders at a glance.
    expect(printed[0]).toMatch(/^ACCOUNT RISK: Account risk: MARGIN_CALL\n/);
    expect(printed[0]).toContain(`What to do: ${RISK_LEVEL_GUIDANCE.MARGIN_CALL.action}`);
    expect(printed[2]).toMatch(/^ACCOUNT OK: Account back to NORMAL\n/);
  });
});

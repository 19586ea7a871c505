import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AccountClients, createAccountClients } from '../../src/app/accountClients.js';
import { loadSettings } from '../../src/app/loadSettings.js';
import { type Forcewatch, startForcewatch } from '../../src/app/startForcewatch.js';
import { Metrics } from '../../src/ops/Metrics.js';
import { PapiSimulator } from '../../src/simulator/PapiSimulator.js';
import { simAccounts } from '../../src/simulator/simAccounts.js';
import type { SimulatorAccount } from '../../src/simulator/types.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { FakeSlack } from '../fakes/slack/FakeSlack.js';
import { driveUntil } from '../hardening/support/driveClock.js';
import { tempDir } from '../pipeline/pipelineHarness.js';

const BOT_TOKEN = 'xoxb-3333-4444-accountsbot';
const APP_TOKEN = 'xapp-1-A0ACCOUNTS-5555-accountsapp';
/** desk-1 alerts to C0DESKONE, desk-2 to C0DESKTWO; U0BOSS may read both anywhere. */
const CHANNELS = { 'desk-1': 'C0DESKONE', 'desk-2': 'C0DESKTWO' } as const;

/**
 * Two Portfolio Margin accounts in one bot, from a FORCEWATCH_ACCOUNTS file, against the simulator
 * serving each its own book (its own keys) and a strict fake Slack over Socket Mode: every alert goes
 * to its own account's channel and names it, one account's refused key never stops the other's alerts,
 * and commands answer the account the channel or the account word names, to those allowed only.
 */
describe('several accounts in one bot', () => {
  let clock: FakeClock;
  let keys: SimulatorAccount[];
  let sim: PapiSimulator;
  let slack: FakeSlack;
  let dir: { dir: string; cleanup: () => Promise<void> };
  let clients: AccountClients | undefined;
  let app: Forcewatch | undefined;
  let log = captureLogger('info');
  let metrics: Metrics;

  beforeEach(async () => {
    clock = new FakeClock();
    log = captureLogger('info');
    keys = simAccounts(2);
    sim = await PapiSimulator.start({ now: () => clock.now(), seed: 5, accounts: keys });
    slack = new FakeSlack({
      botToken: BOT_TOKEN,
      appToken: APP_TOKEN,
      channels: { C0ALERTS: { member: true }, C0DESKONE: { member: true }, C0DESKTWO: { member: true } },
      channelBurst: Number.POSITIVE_INFINITY,
    });
    await slack.start();
    dir = await tempDir();
  });

  afterEach(async () => {
    await app?.stop();
    await clients?.close();
    app = undefined;
    clients = undefined;
    await Promise.all([sim.close(), slack.stop()]);
    await dir.cleanup();
  });

  /** Starts the bot on an accounts file naming both simulator accounts; `secretOf` may give one a wrong secret. */
  async function start(
    secretOf: (account: SimulatorAccount) => string = (a) => a.hmacSecret ?? '',
    more: Record<string, string> = {},
  ): Promise<Forcewatch> {
    const file = join(dir.dir, 'accounts.json');
    const accounts = keys.map((key, i) => ({
      name: key.name,
      apiKey: `\${DESK_${i}_KEY}`,
      apiSecret: `\${DESK_${i}_SECRET}`,
      slackChannel: CHANNELS[key.name as keyof typeof CHANNELS],
      slackAllowedUsers: ['U0BOSS'],
    }));
    await writeFile(file, JSON.stringify({ accounts }), { mode: 0o600 });
    const env: Record<string, string> = {
      FORCEWATCH_ACCOUNTS: file,
      ...Object.fromEntries(
        keys.flatMap((key, i) => [
          [`DESK_${i}_KEY`, key.apiKey],
          [`DESK_${i}_SECRET`, secretOf(key)],
        ]),
      ),
      ...Object.fromEntries(['PAPI', 'FAPI', 'DAPI'].map((api) => [`BINANCE_${api}_URL`, sim.url])),
      BINANCE_MARKETS: 'cm',
      BINANCE_STREAM: 'off',
      POLL_INTERVAL_MS: '1000',
      FORCEWATCH_DB: join(dir.dir, 'fw.json'),
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_ALERT_CHANNEL: 'C0ALERTS',
      SLACK_API_URL: slack.apiUrl,
      ...more,
    };
    const loaded = loadSettings(env);
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const { settings } = loaded;
    clients = createAccountClients(settings.core, settings.accounts, { clock, logger: log.logger });
    metrics = new Metrics({ processMetrics: false });
    app = await startForcewatch({ settings, exchanges: clients.exchanges, logger: log.logger, clock, metrics });
    waiting.clear();
    for (const [name, pipeline] of app.pipelines) {
      pipeline.bus.on('alertsQueued', ({ alerts }) => {
        waiting.set(name, (waiting.get(name) ?? 0) + alerts.length);
      });
      pipeline.bus.on('delivered', ({ alertIds }) => {
        waiting.set(name, (waiting.get(name) ?? 0) - alertIds.length);
      });
    }
    await slack.untilConnected();
    return app;
  }

  /** The alert messages (not notices) posted in `channel`, as text. */
  const alertsIn = (channel: string) =>
    slack.messages
      .map((m) => ({ channel: m.channel, text: m.text ?? '' }))
      .filter((m) => m.channel === channel && !/forcewatch/.test(m.text))
      .map((m) => m.text);
  /** Alerts queued and not yet delivered, per account. */
  const waiting = new Map<string, number>();
  /**
   * Three sleeps per account (its poller, its daily compaction, its risk monitor) before fake time moves, and one more for
   * each account with alerts waiting (its Slack worker is then sending, or asleep in its pacing).
   */
  const idle = () => 3 * keys.length + [...waiting.values()].filter((count) => count > 0).length;

  it('posts each account’s force orders to its own channel, named, each once', async () => {
    await start();
    const one = sim.account('desk-1').addOrder({ symbol: 'BTCUSD_PERP', updateTime: clock.now() + 1, time: clock.now() + 1 });
    const two = sim.account('desk-2').addOrder({ symbol: 'ETHUSD_PERP', updateTime: clock.now() + 1, time: clock.now() + 1 });
    await driveUntil(clock, () => alertsIn('C0DESKONE').length === 1 && alertsIn('C0DESKTWO').length === 1, {
      what: 'both alerts posted',
      idleSleepers: idle,
      maxMs: 60_000,
    });
    const [inOne] = alertsIn('C0DESKONE');
    const [inTwo] = alertsIn('C0DESKTWO');
    expect(inOne).toContain(String(one.orderId));
    expect(inOne).toContain('desk-1');
    expect(inTwo).toContain(String(two.orderId));
    expect(inTwo).toContain('desk-2');
    expect(alertsIn('C0ALERTS')).toEqual([]);
    expect([...app!.pipelines.keys()]).toEqual(['desk-1', 'desk-2']);
  });

  it('keeps alerting one account while Binance refuses the other’s key, and tells only that account’s channel', async () => {
    await start((key) => (key.name === 'desk-2' ? 'x'.repeat(64) : (key.hmacSecret ?? '')));
    const one = sim.account('desk-1').addOrder({ updateTime: clock.now() + 1, time: clock.now() + 1 });
    await driveUntil(clock, () => alertsIn('C0DESKONE').length === 1, { what: 'desk-1 alerted', idleSleepers: idle, maxMs: 60_000 });
    expect(alertsIn('C0DESKONE')[0]).toContain(String(one.orderId));
    // WATCHDOG_AFTER (2 minutes): desk-2's channel hears that forcewatch is blind for desk-2.
    const blind = () => slack.messages.filter((m) => m.channel === 'C0DESKTWO' && /blind/.test(m.text ?? ''));
    await driveUntil(clock, () => blind().length === 1, { what: 'desk-2 told it is blind', idleSleepers: idle, maxMs: 5 * 60_000 });
    expect(blind()[0]!.text).toContain('desk-2');
    expect(slack.messages.filter((m) => m.channel === 'C0DESKONE' && /blind/.test(m.text ?? ''))).toEqual([]);
    // desk-1 goes on: a later order is alerted as quickly as the first.
    sim.account('desk-1').addOrder({ updateTime: clock.now() + 1, time: clock.now() + 1 });
    const after = clock.now();
    await driveUntil(clock, () => alertsIn('C0DESKONE').length === 2, { what: 'desk-1 alerted again', idleSleepers: idle, maxMs: 60_000 });
    expect(clock.now() - after).toBeLessThanOrEqual(5_000);
    // Each account its own series: desk-1's polls do not hide from the alert rules that desk-2 never read Binance.
    const scraped = await metrics.registry.metrics();
    expect(scraped).toMatch(/forcewatch_last_successful_poll_timestamp_seconds\{account="desk-1"\} 1\d{9}/);
    expect(scraped).toContain('forcewatch_last_successful_poll_timestamp_seconds{account="desk-2"} 0');
    expect(scraped).toMatch(/forcewatch_poll_failures_total\{account="desk-2"\} [1-9]/);
    expect(scraped).not.toMatch(/forcewatch_poll_failures_total\{account="desk-1"\} [1-9]/);
  });

  it('answers /forceorders for the channel’s account, or the one named, and refuses what the caller may not read', async () => {
    await start();
    sim.account('desk-2').addOrder({ symbol: 'BTCUSD_PERP', updateTime: clock.now() - 60_000, time: clock.now() - 60_000 });
    const answer = async (fields: Parameters<FakeSlack['sendSlashCommand']>[0]) => {
      const before = slack.responses.length;
      const ack = await slack.sendSlashCommand({ command: '/forceorders', ...fields });
      // An acknowledgement with a body is the whole answer (a refusal, the account to choose).
      if (ack.payload && Object.keys(ack.payload).length > 0) return JSON.stringify(ack.payload);
      await slack.until(() => slack.responses.length > before);
      return JSON.stringify(slack.responses.at(-1)!.body);
    };
    const inTwo = await answer({ channel_id: 'C0DESKTWO', user_id: 'U0ANYONE', text: 'BTCUSD 1h' });
    expect(inTwo).toContain('desk-2');
    expect(inTwo).not.toContain('desk-1');
    // Someone in desk-1's channel may read desk-1 only: naming desk-2 is refused like a stranger.
    expect(await answer({ channel_id: 'C0DESKONE', user_id: 'U0ANYONE', text: 'desk-2 BTCUSD 1h' })).toContain("isn't available to you");
    // The boss may read both: in a direct message they are asked which, then answered for the one named.
    expect(await answer({ channel_id: 'D0BOSS', user_id: 'U0BOSS', text: 'BTCUSD' })).toContain('Which account?');
    const named = await answer({ channel_id: 'D0BOSS', user_id: 'U0BOSS', text: 'desk-2 BTCUSD 1h' });
    expect(named).toContain('desk-2');
    expect(await answer({ channel_id: 'C0RANDOM', user_id: 'U0STRANGER', text: 'BTCUSD' })).toContain("isn't available to you");
  });

  it('says at start when the accounts cannot fit in the weight limit, with the fix', async () => {
    const every5s = { POLL_INTERVAL_MS: '5000' };
    await start(undefined, every5s);
    expect(log.lines.some((l) => l.includes('do not fit'))).toBe(false);
    await app!.stop();
    await clients!.close();
    app = undefined;
    clients = undefined;
    keys = simAccounts(9);
    await sim.close();
    sim = await PapiSimulator.start({ now: () => clock.now(), seed: 5, accounts: keys });
    await start(undefined, every5s);
    const line = log.lines.find((l) => l.includes('do not fit'));
    expect(line).toMatch(/9 accounts cost 5400 PAPI weight a minute/);
    expect(line).toMatch(/raise POLL_INTERVAL_MS to at least \d+/);
  });
});

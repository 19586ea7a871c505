import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REST, Routes } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerCommands } from '../../src/discord/commands.js';
import { discordRestOptions } from '../../src/discord/DiscordConfig.js';
import { type CheckResult, formatCheckResult } from '../../src/doctor/CheckResult.js';
import { runDoctor } from '../../src/doctor/runDoctor.js';
import { PapiSimulator, SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { ProcessLock } from '../../src/store/ProcessLock.js';
import { newStoreDocument, STORE_SCHEMA_VERSION } from '../../src/store/StoreDocument.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeDiscord } from '../fakes/discord/FakeDiscord.js';
import { FakeSlack } from '../fakes/slack/FakeSlack.js';
import { tempDir } from '../pipeline/pipelineHarness.js';
import { DiscordFront, SlackFront } from './chatFakeExtensions.js';

const BOT_TOKEN = 'xoxb-1111-2222-doctortestbottoken';
const APP_TOKEN = 'xapp-1-A0FORCEWATCH-3333-doctortestapptoken';

let sim: PapiSimulator;
let slack: FakeSlack;
let slackFront: SlackFront;
let discord: FakeDiscord;
let discordFront: DiscordFront;
let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  sim = await PapiSimulator.start();
  slack = new FakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
  await slack.start();
  slackFront = await new SlackFront(slack.apiUrl, {
    botToken: BOT_TOKEN,
    channels: { C0ALERTS: { name: 'alerts', member: true } },
  }).start();
  discord = await FakeDiscord.start();
  discordFront = await new DiscordFront(discord).start();
});

afterEach(async () => {
  await Promise.all([sim.close(), slack.stop(), slackFront.close(), discordFront.close(), discord.close()]);
  await cleanup();
});

function environment(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    BINANCE_API_KEY: SIM_API_KEY,
    BINANCE_API_SECRET: SIM_API_SECRET,
    BINANCE_PAPI_URL: sim.url,
    BINANCE_FAPI_URL: sim.url,
    BINANCE_DAPI_URL: sim.url,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_APP_TOKEN: APP_TOKEN,
    SLACK_ALERT_CHANNEL: 'C0ALERTS',
    SLACK_API_URL: slackFront.apiUrl,
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_ALERT_CHANNEL_ID: discord.alertChannelId,
    DISCORD_GUILD_ID: discord.guildId,
    DISCORD_API_URL: discordFront.apiUrl,
    FORCEWATCH_DB: join(dir, 'forcewatch.json'),
    ...overrides,
  };
}

async function doctor(overrides: Record<string, string | undefined> = {}) {
  const lines: string[] = [];
  const report = await runDoctor({ env: environment(overrides), write: (line) => lines.push(line) });
  const byName = (name: string): CheckResult => {
    const found = report.results.find((r) => r.name === name);
    if (!found) throw new Error(`no check named ${name} in:\n${lines.join('\n')}`);
    return found;
  };
  return { ...report, lines, output: lines.join('\n'), byName };
}

async function registerForceorders(): Promise<void> {
  await registerCommands({ token: discord.token, applicationId: discord.applicationId, guildId: discord.guildId, apiUrl: discord.apiUrl });
}

describe('runDoctor, everything set up', () => {
  it('passes every check, prints one ✔ line each, exits 0, and never prints a secret', async () => {
    await registerForceorders();
    const report = await doctor();
    expect(report.results.map((r) => [r.name, r.ok])).toEqual([
      ['configuration', true],
      ['alert destinations', true],
      ['binance: clock', true],
      ['binance: cm force orders', true],
      ['slack: bot token', true],
      ['slack: alert channel', true],
      ['slack: commands connection', true],
      ['discord: bot token', true],
      ['discord: alert channel', true],
      ['discord: /forceorders command', true],
      ['store', true],
      ['store lock', true],
    ]);
    expect(report.exitCode).toBe(0);
    expect(report.lines.every((line) => line.startsWith('✔ '))).toBe(true);
    expect(report.byName('alert destinations').detail).toBe(`Slack channel C0ALERTS and Discord channel ${discord.alertChannelId}`);
    expect(report.byName('slack: alert channel').detail).toBe('the bot is a member of #alerts (C0ALERTS)');
    expect(report.byName('discord: alert channel').detail).toBe(
      `the bot can see #alerts (${discord.alertChannelId}) and post embeds there`,
    );
    expect(report.byName('store').detail).toBe(`${join(dir, 'forcewatch.json')} does not exist yet: it is created at first start`);
    for (const secret of [SIM_API_SECRET, BOT_TOKEN, APP_TOKEN, discord.token]) expect(report.output).not.toContain(secret);
  });

  it('sends the force-order probe with a symbol, limit=1 and a one-minute window (weight 20)', async () => {
    await doctor();
    const probe = sim.requests.find((r) => r.path === '/papi/v1/cm/forceOrders');
    expect(probe?.params).toMatchObject({ symbol: 'BTCUSD_PERP', limit: '1' });
    expect(Number(probe?.params.endTime) - Number(probe?.params.startTime)).toBe(60_000);
    expect(probe?.weight).toBe(20);
    expect(sim.requests.filter((r) => r.path === '/papi/v1/cm/forceOrders')).toHaveLength(1);
  });

  it('checks each configured market', async () => {
    const report = await doctor({ BINANCE_MARKETS: 'cm,um' });
    expect(report.byName('binance: um force orders').ok).toBe(true);
    expect(sim.requests.find((r) => r.path === '/papi/v1/um/forceOrders')?.params.symbol).toBe('BTCUSDT');
  });

  it('probes the margin book with its own endpoint, one page of the last minute (weight 1)', async () => {
    const report = await doctor({ BINANCE_MARKETS: 'cm,margin' });
    expect(report.byName('binance: margin force orders')).toMatchObject({ ok: true });
    const probes = sim.requests.filter((r) => r.path === '/papi/v1/margin/forceOrders');
    expect(probes.map((r) => [r.params.current, r.weight, Number(r.params.endTime) - Number(r.params.startTime)])).toEqual([
      ['1', 1, 60_000],
    ]);
    expect(sim.requests.some((r) => r.path === '/papi/v1/margin/adlQuantile' || r.path === '/papi/v1/um/forceOrders')).toBe(false);
  });
});

describe('runDoctor, Binance refusals translated into what to change', () => {
  it('-1022, a wrong secret: points at BINANCE_API_SECRET, exits 1', async () => {
    const report = await doctor({ BINANCE_API_SECRET: 'WRONGxSECRETxWRONGxSECRETxWRONGxSECRETxWRONGxSECRETxWRONGxSECRET1' });
    const check = report.byName('binance: cm force orders');
    expect(formatCheckResult(check)).toMatch(/^✘ binance: cm force orders: GET \/papi\/v1\/cm\/forceOrders failed: Binance error -1022/);
    expect(check.advice).toBe(
      'the signature was refused: BINANCE_API_SECRET must be the secret shown when this key was created (for an Ed25519/RSA key, ' +
        'BINANCE_PRIVATE_KEY_PATH must be the private key whose public key was registered); if the secret is lost, delete the key and create a new one',
    );
    expect(report.exitCode).toBe(1);
    expect(report.output).not.toContain('WRONGxSECRET');
  });

  it('-2015, IP not on the allow-list: points at the key, the IP allow-list and the permission', async () => {
    sim.injectFault({
      type: 'binanceError',
      code: -2015,
      msg: 'Invalid API-key, IP, or permissions for action.',
      status: 401,
      path: '/papi/v1/cm/forceOrders',
    });
    const report = await doctor();
    expect(report.byName('binance: clock').ok).toBe(true);
    expect(report.lines).toContain(
      formatCheckResult({
        name: 'binance: cm force orders',
        ok: false,
        detail: report.byName('binance: cm force orders').detail,
        advice:
          "Binance → Account → API Management: check that BINANCE_API_KEY is this account's key, that this host's public IP is on the key's " +
          '"Restrict access to trusted IPs only" list, and that the key has "Enable Reading"; the key must be created after Portfolio Margin was enabled on the account',
      }),
    );
    expect(report.exitCode).toBe(1);
  });

  it('-2014, a malformed key', async () => {
    const report = await doctor({ BINANCE_API_KEY: 'not-a-binance-key' });
    expect(report.byName('binance: cm force orders').advice).toBe(
      'BINANCE_API_KEY is not a Binance API key (64 letters and digits): copy it again from API Management, without quotes or spaces',
    );
  });

  it('HTTP 418, a banned IP: says to wait, without retrying', async () => {
    sim.injectFault({ type: 'rateLimit', status: 418, retryAfterSec: 120, path: '/papi/v1/cm/forceOrders' });
    const report = await doctor();
    expect(report.byName('binance: cm force orders').advice).toMatch(
      /^Binance has banned this IP for a while \(HTTP 418\).*wait for the ban to end/,
    );
    expect(sim.requests.filter((r) => r.path === '/papi/v1/cm/forceOrders')).toHaveLength(1);
  });

  it('a clock 5 s off still passes (the client corrects it) but says to turn on time sync', async () => {
    sim.setClockSkew(5_000);
    const report = await doctor();
    const clock = report.byName('binance: clock');
    expect(clock.ok).toBe(true);
    expect(clock.detail).toMatch(/^this host's clock is \d+ ms behind Binance's$/);
    expect(Math.abs(Number(/(\d+) ms/.exec(clock.detail)?.[1]) - 5_000)).toBeLessThan(1_000);
    expect(clock.advice).toBe(
      'forcewatch corrects for it, but turn on time sync (timedatectl set-ntp true, or chrony) so it does not drift further',
    );
    expect(report.byName('binance: cm force orders').ok).toBe(true);
  });

  it('an unreachable Binance: names the URL', async () => {
    await sim.close();
    const report = await doctor();
    expect(report.byName('binance: clock')).toMatchObject({
      ok: false,
      advice: expect.stringMatching(new RegExp(`^cannot reach ${sim.url}: check this host's network`)),
    });
  });
});

describe('runDoctor, Slack', () => {
  it('the bot is not in the alert channel: says to /invite it, exits 1', async () => {
    await slackFront.close();
    slackFront = await new SlackFront(slack.apiUrl, {
      botToken: BOT_TOKEN,
      channels: { C0ALERTS: { name: 'alerts', member: false } },
    }).start();
    const report = await doctor();
    const line = report.lines.find((l) => l.includes('slack: alert channel'));
    expect(line).toBe(
      '✘ slack: alert channel: the bot is not a member of #alerts (C0ALERTS)\n' +
        "    → in #alerts (C0ALERTS), type /invite @forcewatch (or add the app from the channel's settings → Integrations)",
    );
    expect(report.exitCode).toBe(1);
  });

  it('a missing channels:read scope is reported with the manifest to change, and does not fail the run', async () => {
    await registerForceorders();
    await slackFront.close();
    slackFront = await new SlackFront(slack.apiUrl, {
      botToken: BOT_TOKEN,
      channels: { C0ALERTS: { name: 'alerts', member: true } },
      scopes: ['chat:write', 'commands'],
    }).start();
    const report = await doctor();
    expect(report.byName('slack: alert channel')).toEqual({
      name: 'slack: alert channel',
      ok: false,
      critical: false,
      detail: 'cannot check membership of C0ALERTS: the bot token lacks channels:read,groups:read',
      advice:
        'add the bot scopes channels:read and groups:read (OAuth & Permissions, or oauth_config.scopes.bot in slack-app-manifest.yml) and reinstall the app; until then make sure the bot was invited to C0ALERTS',
    });
    expect(report.exitCode).toBe(0);
  });

  it('a wrong bot token and a bot token given as the app token', async () => {
    const report = await doctor({ SLACK_BOT_TOKEN: 'xoxb-9999-wrong-token', SLACK_APP_TOKEN: 'xapp-1-wrong-app-token' });
    expect(report.byName('slack: bot token').advice).toBe(
      'SLACK_BOT_TOKEN: the token is not valid: copy it again from the app page (OAuth & Permissions for xoxb-, Basic Information → App-Level Tokens for xapp-)',
    );
    expect(report.byName('slack: commands connection')).toMatchObject({ ok: false, critical: false });
    expect(report.results.some((r) => r.name === 'slack: alert channel')).toBe(false);
    expect(report.output).not.toMatch(/xoxb-9999|xapp-1-wrong/);
  });

  it('HTTP mode: a port in use is reported', async () => {
    const { createServer } = await import('node:net');
    const busy = createServer().listen(0, '0.0.0.0');
    await new Promise((resolve) => busy.once('listening', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const report = await doctor({ SLACK_APP_TOKEN: undefined, SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef', SLACK_PORT: String(port) });
      expect(report.byName('slack: commands connection')).toMatchObject({
        ok: false,
        detail: `HTTP mode: port ${port} cannot be used (EADDRINUSE)`,
      });
    } finally {
      busy.close();
    }
  });
});

describe('runDoctor, Discord', () => {
  it('a wrong channel id, and a channel the bot cannot see', async () => {
    const unknown = await doctor({ DISCORD_ALERT_CHANNEL_ID: '1000000000000000999' });
    expect(unknown.byName('discord: alert channel').advice).toBe(
      'DISCORD_ALERT_CHANNEL_ID is not a channel: in Discord, Developer Mode on, right-click the channel → Copy Channel ID',
    );
    const hidden = await doctor({ DISCORD_ALERT_CHANNEL_ID: discord.otherChannelId });
    expect(hidden.byName('discord: alert channel').advice).toMatch(/^the bot cannot see this channel: invite it/);
    expect(hidden.exitCode).toBe(1);
  });

  it('an overwrite that denies Send Messages and Embed Links to @everyone', async () => {
    discordFront.overwrites = [{ id: discord.guildId, type: 0, allow: '0', deny: String((1n << 11n) | (1n << 14n)) }];
    const report = await doctor();
    expect(report.byName('discord: alert channel')).toMatchObject({
      ok: false,
      detail: `the bot cannot post alerts in #alerts (${discord.alertChannelId}): it lacks Send Messages, Embed Links`,
      advice: `in #alerts (${discord.alertChannelId}) → Edit Channel → Permissions, allow the bot's role Send Messages, Embed Links`,
    });
  });

  it('a bot registered before /risk existed is told to run npm run register again, without failing the run', async () => {
    const rest = new REST(discordRestOptions(discord.apiUrl)).setToken(discord.token);
    await rest.put(Routes.applicationGuildCommands(discord.applicationId, discord.guildId), {
      body: [{ name: 'forceorders', description: "The account's recent liquidations and ADLs", type: 1 }],
    });
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
    const report = await doctor();
    expect(report.byName('discord: /forceorders command')).toMatchObject({
      ok: false,
      critical: false,
      detail: `/risk not registered in guild ${discord.guildId}`,
      advice: 'run npm run register (with the same DISCORD_* settings)',
    });
    expect(report.exitCode).toBe(0);
  });

  it('a command not registered says to run npm run register, without failing the run', async () => {
    const report = await doctor();
    expect(report.byName('discord: /forceorders command')).toMatchObject({
      ok: false,
      critical: false,
      detail: `not registered in guild ${discord.guildId}`,
      advice: 'run npm run register (with the same DISCORD_* settings)',
    });
    expect(report.exitCode).toBe(0);
  });

  it('a revoked token stops the Discord checks there', async () => {
    const report = await doctor({ DISCORD_TOKEN: 'MTAwMDAwMDAwMDAwMDAwMDAx.GfAkEd.revoked-token-never-print' });
    expect(report.byName('discord: bot token').advice).toBe(
      'DISCORD_TOKEN is not valid: Developer Portal → your application → Bot → Reset Token, and set the new token',
    );
    expect(report.results.filter((r) => r.name.startsWith('discord:'))).toHaveLength(1);
    expect(report.output).not.toContain('revoked-token-never-print');
  });
});

describe('runDoctor, the store', () => {
  it('a store locked by a live process fails with what to do', async () => {
    const path = join(dir, 'forcewatch.json');
    const lock = await ProcessLock.acquire({ path: `${path}.lock`, logger: captureLogger().logger });
    try {
      const report = await doctor();
      expect(report.byName('store lock')).toMatchObject({
        ok: false,
        detail: expect.stringMatching(new RegExp(`^locked by pid ${process.pid} since .*: a forcewatch is running on this store$`)),
        advice: `expected if you are checking a running bot; otherwise stop pid ${process.pid} before starting another (two bots on one store would alert twice), or point FORCEWATCH_DB elsewhere`,
      });
      expect(report.exitCode).toBe(1);
    } finally {
      await lock.release();
    }
  });

  it('a lock left by an earlier process with our pid number (a crashed PID 1) is stale, not a running bot', async () => {
    const path = join(dir, 'forcewatch.json');
    const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    const left = { pid: process.pid, startedAt: Date.now() - 60_000, token: 'left-by-the-crashed-one', startTicks: 1, bootId };
    await writeFile(`${path}.lock`, `${JSON.stringify(left)}\n`);
    const report = await doctor();
    expect(report.byName('store lock')).toMatchObject({
      ok: true,
      detail: `${path}.lock is left over from a process that is gone (pid ${process.pid}); the next start takes it over`,
    });
  });

  it('counts the risk alerts waiting beside the force-order alerts', async () => {
    const path = join(dir, 'forcewatch.json');
    const figures = { uniMmr: '1.2', equity: '1000', actualEquity: '1000', maintenanceMargin: '833.33' };
    const risk = { kind: 'level' as const, level: 'REDUCE_ONLY' as const, time: Date.UTC(2026, 0, 2), ...figures };
    const document = newStoreDocument(Date.UTC(2026, 0, 1));
    const waiting = { id: `risk:${risk.time}:REDUCE_ONLY`, risk, queuedAt: risk.time, deliveredTo: [] };
    await writeFile(path, JSON.stringify({ ...document, risk: { ...document.risk, outbox: [waiting] } }));
    expect((await doctor()).byName('store').detail).toMatch(/, 0 force-order alert\(s\) and 1 risk alert\(s\) waiting for delivery$/);
  });

  it('reports size, version and outbox of an existing store; an old schema is announced, a newer one fails', async () => {
    const path = join(dir, 'forcewatch.json');
    const v0 = { watermark: Date.UTC(2026, 0, 2), alertFrom: 0, seen: {}, outbox: [], symbols: [] };
    await writeFile(path, JSON.stringify(v0));
    const old = (await doctor()).byName('store');
    expect(old).toMatchObject({
      ok: true,
      detail: `${path}: ${JSON.stringify(v0).length} bytes, schema version 0, watermark 2026-01-02T00:00:00.000Z, 0 force-order alert(s) and 0 risk alert(s) waiting for delivery`,
      advice: `it is migrated to version ${STORE_SCHEMA_VERSION} at the next start, after a copy is saved as ${path}.v0.bak`,
    });
    await writeFile(path, JSON.stringify({ ...v0, version: 9 }));
    const newer = await doctor();
    expect(newer.byName('store')).toMatchObject({
      ok: false,
      advice: `upgrade forcewatch, or restore ${path}.v${STORE_SCHEMA_VERSION}.bak`,
    });
    expect(newer.exitCode).toBe(1);
  });

  it('a missing store directory says to create it', async () => {
    const path = join(dir, 'missing', 'forcewatch.json');
    const report = await doctor({ FORCEWATCH_DB: path });
    expect(report.byName('store').advice).toBe(
      `create it: mkdir -p ${join(dir, 'missing')} (or set FORCEWATCH_DB to a path in an existing directory)`,
    );
    await mkdir(join(dir, 'missing'));
    expect((await doctor({ FORCEWATCH_DB: path })).byName('store').ok).toBe(true);
  });
});

describe('runDoctor, configuration', () => {
  it('lists every bad variable and contacts nothing', async () => {
    const report = await doctor({ BINANCE_API_KEY: undefined, POLL_INTERVAL_MS: 'soon', SLACK_ALERT_CHANNEL: '#alerts' });
    expect(report.lines).toEqual([
      '✘ configuration: BINANCE_API_KEY is not set: the API key from Binance API Management (read-only permission is enough)\n    → fix it in .env or the environment (see .env.example)',
      '✘ configuration: POLL_INTERVAL_MS="soon" is not valid: expected a whole number from 1000 to 3600000\n    → fix it in .env or the environment (see .env.example)',
      '✘ configuration: SLACK_ALERT_CHANNEL is invalid: expected a channel id like C0123456789 or G0123456789\n    → fix it in .env or the environment (see .env.example)',
    ]);
    expect(report.exitCode).toBe(1);
    expect(sim.requests).toEqual([]);
    expect(slack.calls).toEqual([]);
  });

  it('no chat platform configured fails: alerts would only reach the console', async () => {
    const chatless = Object.fromEntries(
      Object.keys(environment())
        .filter((k) => /^(SLACK|DISCORD)_/.test(k))
        .map((k) => [k, undefined]),
    );
    const report = await doctor(chatless);
    expect(report.byName('alert destinations')).toMatchObject({
      ok: false,
      detail: 'neither Slack nor Discord is configured: alerts would only be printed on this console',
    });
    expect(report.exitCode).toBe(1);
  });
});

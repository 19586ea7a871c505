import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createAccountClients } from './app/accountClients.js';
import { loadSettings } from './app/loadSettings.js';
import { startForcewatch } from './app/startForcewatch.js';
import { answerTerminalLine } from './console/terminalCommands.js';
import { errorMessage } from './errorCode.js';
import { createLogger } from './ops/logger.js';
import { PapiSimulator } from './simulator/PapiSimulator.js';
import type { SimAccount } from './simulator/SimAccount.js';
import { simAccounts } from './simulator/simAccounts.js';
import type { SimulatorAccount } from './simulator/types.js';
import { HOUR_MS, parseDuration } from './time.js';

/**
 * `npm run demo`: no account needed. Starts the PAPI simulator on loopback with a stream of force
 * orders (and a cascade now and then), runs the real bot against it with the console sink, and answers
 * `/forceorders ...` and `/risk` typed at the terminal. DEMO_DURATION (e.g. `30s`) ends it by itself.
 */
async function demo(): Promise<void> {
  const [deskA, deskB] = DEMO_ACCOUNTS;
  const sim = await PapiSimulator.start({ seed: 7, accounts: [...DEMO_ACCOUNTS] });
  seedHistory(sim.account(deskA.name));
  seedHistory(sim.account(deskB.name));
  const dir = mkdtempSync(join(tmpdir(), 'forcewatch-demo-'));
  // Two accounts from a FORCEWATCH_ACCOUNTS file, their keys read from the environment as `${VAR}`.
  const accountsFile = join(dir, 'accounts.yaml');
  writeFileSync(
    accountsFile,
    [
      'accounts:',
      `  - name: ${deskA.name}`,
      `    apiKey: \${DESK_A_KEY}`,
      `    apiSecret: \${DESK_A_SECRET}`,
      '    markets: [cm, um]',
      `  - name: ${deskB.name}`,
      `    apiKey: \${DESK_B_KEY}`,
      `    apiSecret: \${DESK_B_SECRET}`,
      '    markets: [um]',
      '    minNotionalUsd: "1000"',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const env = {
    FORCEWATCH_ACCOUNTS: accountsFile,
    DESK_A_KEY: deskA.apiKey,
    DESK_A_SECRET: deskA.hmacSecret,
    DESK_B_KEY: deskB.apiKey,
    DESK_B_SECRET: deskB.hmacSecret,
    BINANCE_PAPI_URL: sim.url,
    BINANCE_FAPI_URL: sim.url,
    BINANCE_DAPI_URL: sim.url,
    // The simulator speaks the user data stream too: force orders arrive by push, REST reconciles.
    BINANCE_PM_STREAM_URL: `${sim.url.replace(/^http/, 'ws')}/pm`,
    BINANCE_STREAM: process.env.BINANCE_STREAM ?? 'on',
    FORCEWATCH_DB: join(dir, 'forcewatch.json'),
    POLL_INTERVAL_MS: process.env.POLL_INTERVAL_MS ?? '2000',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    LOG_FORMAT: 'pretty',
  };
  const loaded = loadSettings(env);
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  const { settings } = loaded;
  const { core } = settings;
  const logger = createLogger({ level: core.log.level, format: 'pretty' });
  const binance = createAccountClients(core, settings.accounts, { logger });
  await binance.sync();
  const app = await startForcewatch({ settings, exchanges: binance.exchanges, logger });

  const stopStreams = [
    sim.account(deskA.name).startStream({ ordersPerMinute: 20, cascadeEveryMs: 40_000, cascadeSize: 40 }),
    sim.account(deskB.name).startStream({ ordersPerMinute: 6 }),
  ];
  const stopRisk = playRiskScene(sim.account(deskA.name));
  process.stdout.write(
    `\nforcewatch demo: a simulated Binance on ${sim.url}, ${
      core.stream.enabled
        ? `force orders pushed on its user data stream, REST reconciling every ${core.stream.reconcileIntervalMs} ms`
        : `polled every ${core.poll.intervalMs} ms (BINANCE_STREAM=off)`
    }.\n` +
      `Two accounts: ${deskA.name} (COIN-M and USD-M) and ${deskB.name} (USD-M, orders under 1,000 USD archived, not posted).\n` +
      `New liquidations and ADLs print below as they happen, each naming its account; ${deskA.name} has a cascade every 40 s, as one grouped alert.\n` +
      `${deskA.name}'s margin slips to MARGIN_CALL after ${RISK_SCENE.warnAfterMs / 1000} s (a risk warning, pushed before any liquidation) and recovers ${RISK_SCENE.recoverAfterMs / 1000} s in.\n` +
      `Type a command, e.g.  /forceorders ${deskA.name} BTCUSD 3d   /forceorders ${deskB.name} 7d 5   /forceorders ETHUSD_PERP adl   /risk ${deskA.name}   (quit: Ctrl-C)\n\n`,
  );

  const finished = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    const duration = parseDuration(process.env.DEMO_DURATION ?? '');
    if (duration !== undefined) setTimeout(resolve, duration).unref();
  });
  const input = createInterface({ input: process.stdin, terminal: false });
  input.on('line', (line) => {
    answerTerminalLine(line, app.commands).then(
      (answer) => answer !== undefined && process.stdout.write(`${answer}\n\n`),
      (error: unknown) => logger.error('the command failed', { error }),
    );
  });

  await finished;
  input.close();
  for (const stop of stopStreams) stop();
  stopRisk();
  await app.stop();
  await binance.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write('demo stopped.\n');
}

/** The demo's two accounts on the simulator (its own keys for each, never a real one). */
const DEMO_ACCOUNTS = simAccounts(2).map((account, i) => ({
  ...account,
  name: ['desk-a', 'desk-b'][i] as string,
  hmacSecret: account.hmacSecret as string,
})) as [SimulatorAccount & { name: string; hmacSecret: string }, SimulatorAccount & { name: string; hmacSecret: string }];

/** When the demo's account slips into a margin call and when it recovers (the recovery is seen by the 30 s account poll). */
const RISK_SCENE = { warnAfterMs: 10_000, recoverAfterMs: 45_000 } as const;

/** The demo's risk story on one simulated account: a margin call pushed as `riskLevelChange`, then back to normal; returns a cancel. */
function playRiskScene(account: SimAccount): () => void {
  const warn = setTimeout(() => account.risk.set({ status: 'MARGIN_CALL', uniMMR: '1.42' }), RISK_SCENE.warnAfterMs);
  const recover = setTimeout(() => account.risk.set({ status: 'NORMAL', uniMMR: '3.1' }), RISK_SCENE.recoverAfterMs);
  return () => {
    clearTimeout(warn);
    clearTimeout(recover);
  };
}

/** Three days of past force orders, so `/forceorders` has something to show from the start, and positions for `/risk`. */
function seedHistory(sim: SimAccount): void {
  sim.adl.set([
    { market: 'cm', symbol: 'BTCUSD_PERP', positionSide: 'BOTH', quantile: 3 },
    { market: 'cm', symbol: 'ETHUSD_PERP', positionSide: 'SHORT', quantile: 1 },
    { market: 'um', symbol: 'BTCUSDT', positionSide: 'BOTH', quantile: 2 },
  ]);
  const now = Date.now();
  for (let h = 72; h > 0; h -= 1) {
    const at = now - h * HOUR_MS;
    sim.addOrder({ time: at, updateTime: at });
    if (h % 9 === 0) sim.addOrder({ symbol: 'BTCUSD_PERP', kind: 'ADL', time: at + 1000, updateTime: at + 1000 });
  }
  sim.addBurst(30, { at: now - 30 * HOUR_MS, spreadMs: 40, symbols: ['BTCUSD_PERP', 'ETHUSD_PERP'] });
}

demo().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${errorMessage(error)}\n`);
    process.exit(1);
  },
);

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const TSX = ['--import', 'tsx'];
const children: ChildProcessWithoutNullStreams[] = [];

function run(
  script: string,
  env: NodeJS.ProcessEnv,
): { child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [...TSX, script], { env: { PATH: process.env.PATH, ...env }, cwd: process.cwd() });
  children.push(child);
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, output: () => text, exited };
}

/** Resolves once `pattern` has appeared in the output, however it arrives in chunks. */
function waitFor(child: ChildProcessWithoutNullStreams, output: () => string, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (pattern.test(output())) {
        child.stdout.off('data', check);
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = () => reject(new Error(`exited before ${pattern}:\n${output()}`));
    child.stdout.on('data', check);
    child.on('exit', onExit);
    check();
  });
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('npm start', () => {
  it('exits 2 before any network call, one line per bad setting and no stack trace', async () => {
    const bot = run('src/main.ts', { BINANCE_API_SECRET: 'a-secret-that-must-not-print', POLL_INTERVAL_MS: 'soon' });
    expect(await bot.exited).toBe(2);
    const lines = bot.output().trim().split('\n');
    expect(lines[0]).toMatch(/cannot start; fix these settings/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}- BINANCE_API_KEY is not set/),
      expect.stringMatching(/^ {2}- POLL_INTERVAL_MS="soon" is not valid/),
    ]);
    expect(bot.output()).not.toMatch(/a-secret-that-must-not-print|\bat .*\.ts:\d+/);
  });

  it('logs a setting that works but deserves a second look: metrics on every network interface', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forcewatch-warn-'));
    const bot = run('src/main.ts', {
      BINANCE_API_KEY: 'k'.repeat(64),
      BINANCE_API_SECRET: 's'.repeat(64),
      // Nothing listens there: the bot starts blind, which is enough to see its start-up lines.
      BINANCE_PAPI_URL: 'http://127.0.0.1:9',
      BINANCE_FAPI_URL: 'http://127.0.0.1:9',
      BINANCE_DAPI_URL: 'http://127.0.0.1:9',
      BINANCE_STREAM: 'off',
      METRICS_HOST: '0.0.0.0',
      METRICS_PORT: String(40_000 + (process.pid % 20_000)),
      FORCEWATCH_DB: join(dir, 'fw.json'),
      LOG_FORMAT: 'json',
    });
    await waitFor(bot.child, bot.output, /"level":"warn"[^\n]*METRICS_HOST/);
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('npm run demo', () => {
  it('runs the bot against the simulator, prints alerts and a risk warning, and answers /forceorders typed at the terminal', async () => {
    const demo = run('src/demo.ts', { POLL_INTERVAL_MS: '1000', DEMO_DURATION: '60s' });
    await waitFor(demo.child, demo.output, /forcewatch demo: a simulated Binance/);
    demo.child.stdin.write('/forceorders BTCUSD 3d 5\n');
    await waitFor(demo.child, demo.output, /Force orders: BTCUSD[\s\S]*Showing 5 of \d+/);
    demo.child.stdin.write('/forceorders <!channel> 0d\n');
    await waitFor(demo.child, demo.output, /Error: [\s\S]*Usage: \/forceorders/);
    await waitFor(demo.child, demo.output, /(LIQUIDATION|ADL) \S+: (BUY|SELL)[\s\S]*Order id +\d+/);
    // The risk scene: a margin call pushed on the stream 10 s in, alerted before any liquidation it warns of.
    await waitFor(demo.child, demo.output, /ACCOUNT RISK: Account risk: MARGIN_CALL/);
    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
    expect(demo.output()).toContain('demo stopped.');
  }, 60_000);
});

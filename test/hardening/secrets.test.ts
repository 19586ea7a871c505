import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { receivedSignatures } from '../../src/simulator/signedRequests.js';
import { startHarness } from '../binance/harness.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { withScopedOutput } from '../setup/outputTap.js';
import { SecretLeakError } from '../setup/SecretLeakDetector.js';

const temps: string[] = [];
afterEach(async () => {
  for (const dir of temps.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** The leak detector's verdict on output printed inside `fn`, which never reaches the real output. */
async function verdict(fn: () => void | Promise<void>): Promise<{ labels: string[]; error: unknown }> {
  const scoped = await withScopedOutput(fn);
  let error: unknown;
  try {
    scoped.assertNoLeaks();
  } catch (e) {
    error = e;
  }
  return { labels: scoped.findLeaks().map((l) => `${l.label} @${l.channel}`), error };
}

describe('the suite-wide secret-leak detector (test/setup/secretLeakCheck.ts)', () => {
  it('catches the simulator API secret written to stdout, naming it without printing it', async () => {
    const { labels, error } = await verdict(() => {
      process.stdout.write(`debug: secret=${SIM_API_SECRET}\n`);
    });
    expect(labels).toEqual(['the simulator API secret @stdout']);
    expect(error).toBeInstanceOf(SecretLeakError);
    expect((error as Error).message).toMatch(/the simulator API secret in stdout/);
    expect((error as Error).message).not.toContain(SIM_API_SECRET);
  });

  it('catches a signature the simulator received, printed through console.error', async () => {
    const { client } = await startHarness();
    await client.forceOrders('cm', {});
    const signature = [...receivedSignatures()].find((s) => /^[0-9a-f]{64}$/.test(s));
    expect(signature).toBeDefined();
    const { labels } = await verdict(() => console.error('request failed', { url: `/papi/v1/cm/forceOrders?sig=${signature}` }));
    expect(labels).toContain('a signature the simulator received @console');
  });

  it('catches Slack and Discord token shapes on stderr even when nobody registered them', async () => {
    const { labels } = await verdict(() => {
      process.stderr.write('token xoxb-1111-2222-madeupfortest\n');
      process.stderr.write(Buffer.from('MTAwMDAwMDAwMDAwMDAwMDAx.GfAkEd.fake-discord-token-never-print-me\n'));
      process.stderr.write(`v0=${'ab'.repeat(32)}\n`);
    });
    expect(labels).toEqual([
      'a Slack token (xoxb-/xoxp-/xoxa-/xoxe-/xapp-) @stderr',
      'a Discord bot token @stderr',
      'a Slack request signature (v0=...) @stderr',
    ]);
  });

  it('passes output that holds no secret, and a registered secret the logger redacted', async () => {
    const { logger } = captureLogger();
    const { labels, error } = await verdict(() => {
      process.stdout.write('forcewatch started\n');
      logger.info('signed request', { url: `/papi/v1/cm/forceOrders?timestamp=1&signature=${'cd'.repeat(32)}` });
    });
    expect(labels).toEqual([]);
    expect(error).toBeUndefined();
  });

  it('fails a whole test file that logged a secret, and passes its clean control (vitest in a child process)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'forcewatch-leak-'));
    temps.push(dir);
    const report = join(dir, 'report.json');
    const child = spawn(
      process.execPath,
      [
        'node_modules/vitest/vitest.mjs',
        'run',
        '-c',
        'test/setup/fixtures/vitest.leakFixture.config.ts',
        '--reporter=json',
        `--outputFile=${report}`,
      ],
      // A clean environment: the parent's VITEST_* and FORCEWATCH_TEST_REPORT must not leak into the child run.
      { cwd: process.cwd(), env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, output).toBe(1);
    const results = (JSON.parse(await readFile(report, 'utf8')) as { testResults: { name: string; status: string; message: string }[] })
      .testResults;
    const byFile = Object.fromEntries(results.map((r) => [r.name.split('/').pop(), r]));
    expect(byFile['clean.fixture.ts']?.status).toBe('passed');
    expect(byFile['leaksInLog.fixture.ts']?.status).toBe('failed');
    expect(byFile['leaksInLog.fixture.ts']?.message).toMatch(/^secret printed during this test file: the simulator API secret in log/);
    expect(output).not.toContain(SIM_API_SECRET);
  });
});

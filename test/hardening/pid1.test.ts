import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PapiSimulator } from '../../src/simulator/PapiSimulator.js';
import { tempDir } from '../pipeline/pipelineHarness.js';
import { binanceEnv } from './support/binanceEnv.js';

/**
 * `deploy`'s image runs node as PID 1. A new PID namespace whose /proc is its own
 * (`unshare --pid --fork --mount-proc`, root only) makes the bot PID 1 exactly as it is in the
 * container, and a second one after a SIGKILL is PID 1 again, as the restarted container is.
 */
const UNSHARE = ['--pid', '--fork', '--mount-proc', '--kill-child'];
/** util-linux's `unshare`, found on PATH (a system tool, not a package dependency). */
const UNSHARE_BIN = process.env.UNSHARE_BIN ?? 'unshare';
const canUnshare = process.platform === 'linux' && spawnSync(UNSHARE_BIN, [...UNSHARE, 'true']).status === 0;
const WHY_NOT = 'unshare --pid --fork --mount-proc is not available here (it needs util-linux and root, as in CI)';

/** `node --import tsx src/main.ts` as PID 1 of a new PID namespace, its output collected. */
class Pid1Bot {
  readonly unshare: ChildProcess;
  readonly exited: Promise<unknown>;
  output = '';

  constructor(env: Record<string, string>) {
    this.unshare = spawn(UNSHARE_BIN, [...UNSHARE, process.execPath, '--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.unshare.stdout, this.unshare.stderr]) stream?.on('data', (chunk: Buffer) => (this.output += chunk));
    this.exited = once(this.unshare, 'exit');
  }

  /** The bot's pid as the host sees it, read once it runs; checks that inside its namespace it is PID 1. */
  async hostPid(): Promise<number> {
    const children = await readFile(`/proc/${this.unshare.pid}/task/${this.unshare.pid}/children`, 'utf8');
    const pid = Number(children.trim().split(/\s+/)[0]);
    // NSpid lists the pid in each namespace it belongs to, outermost first: "<host pid>\t1".
    const nspid = /^NSpid:\s+(.*)$/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1]?.split(/\s+/);
    expect(nspid).toEqual([String(pid), '1']);
    return pid;
  }

  /** Resolves when `pattern` appears in the output; rejects, with the output, if the bot exits first. */
  async waitFor(pattern: RegExp): Promise<void> {
    while (!pattern.test(this.output)) {
      if (this.unshare.exitCode !== null || this.unshare.signalCode !== null) {
        throw new Error(`the bot exited before printing ${pattern}:\n${this.output}`);
      }
      await Promise.race([once(this.unshare.stdout!, 'data'), once(this.unshare.stderr!, 'data'), this.exited]);
    }
  }
}

const bots: Pid1Bot[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const bot of bots.splice(0)) {
    if (bot.unshare.exitCode === null && bot.unshare.signalCode === null) {
      bot.unshare.kill('SIGKILL'); // --kill-child takes the bot down with it
      await bot.exited;
    }
  }
  for (const close of closers.splice(0)) await close();
});

describe('the bot as PID 1 of its container', () => {
  const name = canUnshare
    ? 'SIGKILLed as PID 1 and started again as PID 1, it takes over its own stale lock and is polling again within seconds'
    : `CANNOT RUN: ${WHY_NOT}; SIGKILLed as PID 1 and started again, it is polling again within seconds`;
  const run = canUnshare || process.platform === 'linux' ? it : it.skip;

  run(
    name,
    async () => {
      if (!canUnshare) throw new Error(`${WHY_NOT}: this test must run where PID namespaces can be made (CI runs as root)`);
      const sim = await PapiSimulator.start();
      const dir = await tempDir();
      closers.push(() => sim.close(), dir.cleanup);
      const storePath = join(dir.dir, 'forcewatch.json');
      const env = {
        ...binanceEnv(sim.url, storePath),
        BINANCE_MARKETS: 'cm',
        BACKFILL: '1h',
        POLL_INTERVAL_MS: '1000',
        LOG_FORMAT: 'json',
      };
      const polledAt: number[] = [];
      sim.onRequest((r) => {
        if (r.path.endsWith('/forceOrders')) polledAt.push(performance.now());
      });

      const before = sim.addOrder({ market: 'cm', updateTime: Date.now() - 10 * 60_000, time: Date.now() - 10 * 60_000 });
      const first = new Pid1Bot(env);
      bots.push(first);
      await first.waitFor(new RegExp(String(before.orderId)));
      expect(JSON.parse(await readFile(`${storePath}.lock`, 'utf8'))).toMatchObject({ pid: 1 });
      process.kill(await first.hostPid(), 'SIGKILL');
      await first.exited;
      // No clean-up ran: the lock still names pid 1, and the next bot will be pid 1 too.
      const stale = JSON.parse(await readFile(`${storePath}.lock`, 'utf8'));
      expect(stale).toMatchObject({ pid: 1 });

      const during = sim.addOrder({ market: 'cm' });
      const restartedAt = performance.now();
      const second = new Pid1Bot(env);
      bots.push(second);
      await second.waitFor(/"took over a stale store lock: its process is gone".*"stalePid":1/);
      await second.waitFor(new RegExp(String(during.orderId)));
      const backMs = (polledAt.find((at) => at >= restartedAt) ?? Number.NaN) - restartedAt;
      console.info(`PID 1 restart: polling again ${Math.round(backMs)} ms after the second start (node --import tsx, cold)`);
      expect(backMs).toBeLessThan(10_000);
      await second.hostPid();
      const taken = JSON.parse(await readFile(`${storePath}.lock`, 'utf8'));
      expect(taken).toMatchObject({ pid: 1, bootId: stale.bootId });
      expect(taken.token).not.toBe(stale.token);
      expect(taken.startTicks).toBeGreaterThan(stale.startTicks);
    },
    60_000,
  );
});

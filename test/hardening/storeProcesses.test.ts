import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PapiSimulator, SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { tempDir } from '../pipeline/pipelineHarness.js';

interface Bot {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<number | null>;
  /** Resolves once `pattern` appears in stdout or stderr. */
  waitFor(pattern: RegExp): Promise<void>;
}

const bots: Bot[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const bot of bots.splice(0)) {
    if (bot.child.exitCode === null && bot.child.signalCode === null) {
      bot.child.kill('SIGTERM');
      await bot.exited;
    }
  }
  for (const close of closers.splice(0)) await close();
});

/** `npm start` as a real process (node --import tsx src/main.ts) with only `env` set. */
function startBot(env: Record<string, string>): Bot {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const bot: Bot = {
    child,
    output: () => text,
    exited,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(text)) return;
          listeners.delete(check);
          resolve();
        };
        listeners.add(check);
        void exited.then(() => reject(new Error(`exited before ${pattern}`)));
        check();
      }),
  };
  bots.push(bot);
  return bot;
}

/** Resolves once the store file parses and satisfies `accept`, re-checking on every change in its directory. */
function untilStore(dir: string, path: string, accept: (doc: { outbox: unknown[] }) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watch(dir);
    const check = () =>
      readFile(path, 'utf8').then(
        (text) => {
          if (accept(JSON.parse(text) as { outbox: unknown[] })) {
            watcher.close();
            resolve();
          }
        },
        () => {}, // mid-rename or not written yet: the next change event checks again
      );
    watcher.on('change', () => void check());
    void check();
  });
}

describe('two forcewatch processes on one store', () => {
  it('the second exits non-zero with the lock message naming the first, and polls, posts and writes nothing', async () => {
    const sim = await PapiSimulator.start();
    const { dir, cleanup } = await tempDir();
    closers.push(() => sim.close(), cleanup);
    const order = sim.addOrder({ market: 'cm', updateTime: Date.now() - 10 * 60_000, time: Date.now() - 10 * 60_000 });
    const storePath = join(dir, 'forcewatch.json');
    const env = {
      BINANCE_API_KEY: SIM_API_KEY,
      BINANCE_API_SECRET: SIM_API_SECRET,
      ...Object.fromEntries(['PAPI', 'FAPI', 'DAPI'].map((api) => [`BINANCE_${api}_URL`, sim.url])),
      // Polling only: this test counts force-order requests, and the stream's listenKey calls are not its subject.
      BINANCE_STREAM: 'off',
      BINANCE_MARKETS: 'cm',
      FORCEWATCH_DB: storePath,
      BACKFILL: '1h',
      // One poll, then quiet for an hour: any force-order request after that comes from the second process.
      POLL_INTERVAL_MS: '3600000',
      LOG_FORMAT: 'json',
    };

    const first = startBot(env);
    await first.waitFor(new RegExp(String(order.orderId)));
    // Delivered and recorded: the first process has nothing left to write until its next poll, an hour away.
    await untilStore(dir, storePath, (doc) => doc.outbox.length === 0);
    const storeBefore = await readFile(storePath);
    const pollsBefore = sim.requests.filter((r) => r.path.endsWith('/forceOrders')).length;

    const second = startBot(env);
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(new RegExp(`another forcewatch \\(pid ${first.child.pid}, started [^)]+\\) is using this store`));
    expect(second.output()).toContain(`${storePath}.lock`);
    expect(second.output()).not.toContain(String(order.orderId));
    expect(sim.requests.filter((r) => r.path.endsWith('/forceOrders'))).toHaveLength(pollsBefore);
    expect(await readFile(storePath)).toEqual(storeBefore);
    expect(second.output()).not.toContain(SIM_API_SECRET);

    // The first is unharmed: it still holds the lock and stops cleanly.
    expect(first.child.exitCode).toBeNull();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  }, 30_000);
});

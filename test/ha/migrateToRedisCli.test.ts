import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/store/StateStore.js';
import { RedisServer } from '../fakes/RedisServer.js';

const PASSWORD = 'redis-password-never-printed';
let server: RedisServer;
let dir: string;

beforeAll(async () => {
  server = await RedisServer.start({ password: PASSWORD });
  dir = await mkdtemp(join(tmpdir(), 'forcewatch-migrate-cli-'));
  await StateStore.open({ path: join(dir, 'fw.json'), createAt: 1_000, account: 'main' });
});
afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs `npm run migrate-to-redis`'s script with the settings of one account on the store in `dir`. */
async function runCli(env: Record<string, string>): Promise<{ code: number; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/ha/migrateToRedisCli.ts'], {
    cwd: process.cwd(),
    env: {
      PATH: process.env.PATH ?? '',
      BINANCE_API_KEY: 'k'.repeat(64),
      BINANCE_API_SECRET: 's'.repeat(64),
      FORCEWATCH_DB: join(dir, 'fw.json'),
      FORCEWATCH_REDIS_PREFIX: 'cli:',
      ...env,
    },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  return { code, output };
}

// Each test spawns two tsx processes: seconds apiece on a loaded machine.
describe('npm run migrate-to-redis', { timeout: 60_000 }, () => {
  it('copies the store (exit 0), refuses a second run (exit 1), and never prints the password', async () => {
    const first = await runCli({ REDIS_URL: server.url(PASSWORD) });
    expect(first).toMatchObject({
      code: 0,
      output: expect.stringContaining('✔ main: the store and 0 archived order(s) are in Redis under cli:'),
    });
    const second = await runCli({ REDIS_URL: server.url(PASSWORD) });
    expect(second).toMatchObject({ code: 1, output: expect.stringContaining('✘ main: Redis already holds cli:state:main') });
    for (const run of [first, second]) expect(run.output).not.toContain(PASSWORD);
  });

  it('exits 2 without a REDIS_URL, and 1 when Redis refuses the password, printing neither URL', async () => {
    const missing = await runCli({});
    expect(missing).toMatchObject({ code: 2, output: expect.stringContaining('REDIS_URL must be set') });
    const wrong = await runCli({ REDIS_URL: server.url('wrong-password-never-printed') });
    expect(wrong).toMatchObject({ code: 1, output: expect.stringContaining('cannot connect to the Redis at REDIS_URL') });
    expect(wrong.output).not.toContain('wrong-password-never-printed');
  });
});

/**
 * `npm run bench`: compiles the benchmark with the pipeline (`bench/tsconfig.json`), runs each scenario
 * in its own process against the real parts on loopback, prints a table and writes `bench/results.json`.
 * Scenarios run compiled under node, as production runs the bot; "burst-tsx" runs scenario 1 under tsx
 * (`npm start`) beside it, and "burst-redis" runs it compiled on the Redis store (a redis-server of its
 * own). Exits 1 if any exactly-once check failed (a missed speed or size target is
 * reported, not fatal).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { type BenchOptions, parseBenchArgs, SCENARIOS } from './benchOptions.js';
import type { Figure, ScenarioResult } from './Figure.js';
import { formatTable } from './formatTable.js';
import { type BenchRuntime, ChildChannel } from './ipcChannel.js';

/** Scenarios that run from the TypeScript sources instead of the compiled benchmark. */
const UNDER_TSX: ReadonlySet<string> = new Set(['burst-tsx']);

async function runScenario(scenario: string, options: BenchOptions): Promise<ScenarioResult> {
  const runtime: BenchRuntime = UNDER_TSX.has(scenario) ? 'tsx' : 'node';
  const channel = ChildChannel.open('scenarioMain', { runtime, cpuProfDir: options.cpuProfDir });
  try {
    return await channel.request<ScenarioResult>('run', { scenario, options });
  } finally {
    await channel.close();
  }
}

async function main(): Promise<number> {
  const options = parseBenchArgs(process.argv.slice(2));
  const figures: Figure[] = [];
  const failures: string[] = [];
  const started = Date.now();
  // A second or two; the compiled copy is always the sources as they are now.
  execFileSync('npx', ['--no-install', 'tsc', '-p', 'bench/tsconfig.json'], { stdio: 'inherit' });
  for (const scenario of SCENARIOS.filter((s) => options.only.includes(s))) {
    console.error(`running ${scenario}...`);
    const scenarioStart = Date.now();
    try {
      const result = await runScenario(scenario, options);
      figures.push(...result.figures);
      failures.push(...result.failures.map((f) => `${scenario}: ${f}`));
    } catch (error) {
      failures.push(`${scenario}: the scenario did not finish: ${error instanceof Error ? error.message : String(error)}`);
    }
    console.error(`${scenario} took ${((Date.now() - scenarioStart) / 1000).toFixed(1)} s`);
  }
  console.log(formatTable(figures));
  const out = resolve(options.out);
  await mkdir(dirname(out), { recursive: true });
  const machine = {
    node: process.version,
    platform: process.platform,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 2 ** 30),
  };
  const { cpuProfDir: _profile, out: _out, ...sizes } = options;
  await writeFile(
    out,
    `${JSON.stringify({ ranAt: new Date(started).toISOString(), durationS: Math.round((Date.now() - started) / 1000), machine, options: sizes, figures, failures }, null, 2)}\n`,
  );
  console.log(`\nwritten to ${options.out}`);
  if (failures.length === 0) return 0;
  console.error(`\n!!! EXACTLY-ONCE FAILURES (${failures.length}) !!!`);
  for (const failure of failures) console.error(`!!! ${failure}`);
  return 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);

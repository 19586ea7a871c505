/**
 * One scenario in a fresh process, so each one's memory high-water mark, heap and JIT state are its
 * own and a CPU profile (`--cpu-prof-dir`) covers that scenario alone.
 */
import type { BenchOptions } from './benchOptions.js';
import type { ScenarioResult } from './Figure.js';
import { serveIpc } from './ipcChannel.js';

/**
 * Each scenario's module is loaded only when it runs: a static import of every one would put the whole
 * bot (the chat platforms' libraries the accounts scenario needs, the Redis client) into every scenario's
 * process, and the burst's idle RSS would measure them (111 MB instead of 61 when that happened).
 */
const RUNNERS: Record<string, (options: BenchOptions) => Promise<ScenarioResult>> = {
  burst: async (options) => (await import('./scenarios/burst.js')).runBurst(options, 'burst'),
  'burst-tsx': async (options) => (await import('./scenarios/burst.js')).runBurst(options, 'burst-tsx'),
  'burst-redis': async (options) =>
    (await import('./scenarios/burst.js')).runBurst(options, 'burst-redis', (await import('./redisBurstStore.js')).withRedisStore),
  memory: async (options) => (await import('./scenarios/memory.js')).runMemory(options),
  overhead: async (options) => (await import('./scenarios/overhead.js')).runOverhead(options),
  latency: async (options) => (await import('./scenarios/latency.js')).runLatency(options),
  sizes: async (options) => (await import('./scenarios/sizes.js')).runSizes(options),
  cascade: async (options) => (await import('./scenarios/cascadeCost.js')).runCascadeCost(options),
  'stream-latency': async (options) => (await import('./scenarios/streamLatency.js')).runStreamLatency(options),
  'stream-quiet': async (options) => (await import('./scenarios/streamQuiet.js')).runStreamQuiet(options),
  accounts: async (options) => (await import('./scenarios/accounts.js')).runAccounts(options),
};

serveIpc({
  run(payload: { scenario: string; options: BenchOptions }): Promise<ScenarioResult> {
    const runner = RUNNERS[payload.scenario];
    if (!runner) return Promise.reject(new Error(`unknown scenario ${payload.scenario}`));
    return runner(payload.options);
  },
});

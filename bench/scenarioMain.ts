/**
 * One scenario in a fresh process, so each one's memory high-water mark, heap and JIT state are its
 * own and a CPU profile (`--cpu-prof-dir`) covers that scenario alone.
 */
import type { BenchOptions } from './benchOptions.js';
import { withRedisStore } from './burstStore.js';
import type { ScenarioResult } from './Figure.js';
import { serveIpc } from './ipcChannel.js';
import { runAccounts } from './scenarios/accounts.js';
import { runBurst } from './scenarios/burst.js';
import { runCascadeCost } from './scenarios/cascadeCost.js';
import { runLatency } from './scenarios/latency.js';
import { runMemory } from './scenarios/memory.js';
import { runOverhead } from './scenarios/overhead.js';
import { runSizes } from './scenarios/sizes.js';
import { runStreamLatency } from './scenarios/streamLatency.js';
import { runStreamQuiet } from './scenarios/streamQuiet.js';

const RUNNERS: Record<string, (options: BenchOptions) => Promise<ScenarioResult>> = {
  burst: (options) => runBurst(options, 'burst'),
  'burst-tsx': (options) => runBurst(options, 'burst-tsx'),
  'burst-redis': (options) => runBurst(options, 'burst-redis', withRedisStore),
  memory: runMemory,
  overhead: runOverhead,
  latency: runLatency,
  sizes: runSizes,
  cascade: runCascadeCost,
  'stream-latency': runStreamLatency,
  'stream-quiet': runStreamQuiet,
  accounts: runAccounts,
};

serveIpc({
  run(payload: { scenario: string; options: BenchOptions }): Promise<ScenarioResult> {
    const runner = RUNNERS[payload.scenario];
    if (!runner) return Promise.reject(new Error(`unknown scenario ${payload.scenario}`));
    return runner(payload.options);
  },
});

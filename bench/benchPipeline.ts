import { join } from 'node:path';
import type { ForceOrderSource } from '../src/binance/types.js';
import { Pipeline, type PipelineOptions } from '../src/pipeline/Pipeline.js';
import { benchLogger } from './benchLogger.js';
import { CountingSink } from './CountingSink.js';

/** A scenario's pipeline over `source` in `dir`, delivering to one counting sink; `options` as the scenario sets them. */
export function benchPipeline(
  dir: string,
  source: ForceOrderSource,
  options: Partial<Omit<PipelineOptions, 'source' | 'storePath' | 'sinks' | 'logger'>> = {},
): { pipeline: Pipeline; sink: CountingSink } {
  const sink = new CountingSink();
  const pipeline = new Pipeline({ ...options, source, storePath: join(dir, 'state.json'), sinks: [sink], logger: benchLogger() });
  return { pipeline, sink };
}

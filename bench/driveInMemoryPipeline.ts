import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { orderKey } from '../src/binance/types.js';
import { Pipeline } from '../src/pipeline/Pipeline.js';
import { benchLogger } from './benchLogger.js';
import { CountingSink } from './CountingSink.js';
import { InMemoryForceOrderSource } from './InMemoryForceOrderSource.js';
import { ManualClock } from './ManualClock.js';
import { syntheticForceOrder } from './syntheticForceOrder.js';

/** How to feed the pipeline. */
export interface DriveOptions {
  dir: string;
  orders: number;
  /** Orders made visible before each `pollOnce()`. */
  batch: number;
  /** Clock time between polls; each batch's orders are spread over it. */
  intervalMs: number;
  /** Stat the store file as each poll's commit lands, when it holds the batch's whole outbox (a few µs a poll). */
  watchStore?: boolean;
}

/** What driving the pipeline measured. */
export interface DriveResult {
  /** Wall time inside `pollOnce()` and delivery, minus the in-memory source's own time. */
  pipelineMs: number;
  sink: CountingSink;
  expectedIds: string[];
  storePath: string;
  archivePath: string;
  /** Largest store file seen right after a poll's commit (0 unless `watchStore`). */
  maxStoreBytes: number;
}

/**
 * Runs the real pipeline (store, archive, outbox, dispatcher) over an in-memory source and a counting
 * sink on a hand-moved clock: each batch becomes visible, one `pollOnce()` fetches it, and the timer
 * runs until the store has recorded every alert of the batch as delivered.
 */
export async function driveInMemoryPipeline(options: DriveOptions): Promise<DriveResult> {
  const start = Date.UTC(2026, 0, 1);
  const clock = new ManualClock(start);
  const source = new InMemoryForceOrderSource();
  const sink = new CountingSink();
  const storePath = join(options.dir, 'state.json');
  const archivePath = `${storePath}.archive.jsonl`;
  const pipeline = new Pipeline({ source, storePath, archivePath, sinks: [sink], logger: benchLogger(), clock });
  let recorded = 0;
  let waiter: { count: number; resolve: () => void } | undefined;
  pipeline.bus.on('delivered', ({ alertIds }) => {
    recorded += alertIds.length;
    if (waiter && recorded >= waiter.count) waiter.resolve();
  });
  const untilRecorded = (count: number) =>
    recorded >= count ? Promise.resolve() : new Promise<void>((resolve) => (waiter = { count, resolve }));

  let maxStoreBytes = 0;
  if (options.watchStore) {
    // Emitted synchronously once the commit's write succeeded, before any delivery record rewrites the file.
    pipeline.bus.on('alertsQueued', () => {
      maxStoreBytes = Math.max(maxStoreBytes, statSync(storePath).size);
    });
  }
  await pipeline.start(); // its first poll runs at once, on an empty source; later ones wait for pollOnce
  const expectedIds: string[] = [];
  let pipelineMs = 0;
  try {
    for (let placed = 0, orderId = 1; placed < options.orders; ) {
      const count = Math.min(options.batch, options.orders - placed);
      const from = clock.now();
      clock.advance(options.intervalMs);
      const batch = Array.from({ length: count }, (_, i) =>
        syntheticForceOrder(orderId + i, from + 1 + Math.floor((i * (options.intervalMs - 1)) / count)),
      );
      orderId += count;
      placed += count;
      source.add(batch);
      for (const order of batch) expectedIds.push(orderKey(order));
      const sourceBefore = source.spentMs;
      const started = performance.now();
      await pipeline.pollOnce();
      await untilRecorded(placed);
      pipelineMs += performance.now() - started - (source.spentMs - sourceBefore);
      // No later window reaches orders older than the overlap; forgetting them keeps the source cheap.
      source.forgetBefore(clock.now() - 120_000);
    }
  } finally {
    await pipeline.stop();
  }
  return { pipelineMs, sink, expectedIds, storePath, archivePath, maxStoreBytes };
}

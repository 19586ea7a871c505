import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { ForceOrderSource } from '../../src/binance/types.js';
import type { EventBus, PipelineEvents } from '../../src/pipeline/EventBus.js';
import type { PollResult } from '../../src/pipeline/ForceOrderPoller.js';
import { Pipeline, type PipelineOptions } from '../../src/pipeline/Pipeline.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { MemoryForceOrderSource } from '../fakes/memoryForceOrderSource.js';
import { RecordingSink } from '../fakes/recordingSink.js';

/** A temp directory removed by `cleanup()`. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'forcewatch-pipeline-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Resolves with the next `event` payload matching `accept`. */
export function nextEvent<K extends keyof PipelineEvents>(
  bus: EventBus,
  event: K,
  accept: (payload: PipelineEvents[K]) => boolean = () => true,
): Promise<PipelineEvents[K]> {
  return new Promise((resolve) => {
    const off = bus.on(event, (payload) => {
      if (!accept(payload)) return;
      off();
      resolve(payload);
    });
  });
}

/** A pipeline over a temp store, a memory source and recording sinks, all on one fake clock. */
export class PipelineHarness {
  readonly clock: FakeClock;
  readonly source: MemoryForceOrderSource;
  readonly sinks: RecordingSink[];
  readonly storePath: string;
  readonly log = captureLogger();
  pipeline: Pipeline | undefined;

  /** What the pipeline polls: `source`, unless a real client was given. */
  private readonly exchange: ForceOrderSource;

  constructor(
    dir: string,
    options: { clock?: FakeClock; source?: MemoryForceOrderSource; exchange?: ForceOrderSource; sinks?: RecordingSink[] } = {},
  ) {
    this.clock = options.clock ?? new FakeClock();
    this.source = options.source ?? new MemoryForceOrderSource([], () => this.clock.now());
    this.exchange = options.exchange ?? this.source;
    this.sinks = options.sinks ?? [new RecordingSink('slack'), new RecordingSink('discord')];
    this.storePath = join(dir, 'state.json');
  }

  /** Starts a pipeline and waits for its first poll (the loop polls at once). */
  async start(overrides: Partial<PipelineOptions> = {}): Promise<Pipeline> {
    const pipeline = new Pipeline({
      source: this.exchange,
      storePath: this.storePath,
      sinks: this.sinks,
      clock: this.clock,
      logger: this.log.logger,
      pollIntervalMs: 5_000,
      overlapMs: 60_000,
      retry: { random: () => 0.5 },
      ...overrides,
    });
    const firstPoll = nextEvent(pipeline.bus, 'pollSucceeded');
    await pipeline.start();
    this.pipeline = pipeline;
    await firstPoll;
    return pipeline;
  }

  /**
   * Advances one poll interval and runs a poll that has seen the new time. (The loop polls too when
   * its sleep ends; `pollOnce` queues behind it, so the two never overlap.)
   */
  async tick(ms = 5_000): Promise<PollResult> {
    await this.clock.advance(ms);
    if (!this.pipeline) throw new Error('not started');
    return this.pipeline.pollOnce();
  }

  get bus(): EventBus {
    if (!this.pipeline) throw new Error('not started');
    return this.pipeline.bus;
  }

  async stop(): Promise<void> {
    await this.pipeline?.stop();
    this.pipeline = undefined;
  }
}

/**
 * Registers hooks that give each test a temp directory and stop every harness it made afterwards;
 * returns the factory of harnesses in that directory.
 */
export function usePipelineHarnesses(): (options?: ConstructorParameters<typeof PipelineHarness>[1]) => PipelineHarness {
  let dir: string;
  let cleanup: () => Promise<void>;
  const harnesses: PipelineHarness[] = [];
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.stop();
    await cleanup();
  });
  return (options) => {
    const h = new PipelineHarness(dir, options);
    harnesses.push(h);
    return h;
  };
}

import { join } from 'node:path';
import type { Adapter } from 'lowdb';
import { type BinanceClient, createBinanceClient } from '../../src/binance/createBinanceClient.js';
import type { Logger } from '../../src/ops/logger.js';
import { DeliveryDispatcher } from '../../src/pipeline/DeliveryDispatcher.js';
import { EventBus } from '../../src/pipeline/EventBus.js';
import { Outbox } from '../../src/pipeline/Outbox.js';
import { RiskMonitor } from '../../src/pipeline/RiskMonitor.js';
import { RiskOutbox } from '../../src/pipeline/RiskOutbox.js';
import { UniMmrLows } from '../../src/pipeline/UniMmrLows.js';
import type { SimRiskInput } from '../../src/simulator/accountRisk.js';
import { PapiSimulator, SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import type { Sink } from '../../src/sinks/Sink.js';
import { StateStore } from '../../src/store/StateStore.js';
import type { StoreDocument } from '../../src/store/StoreDocument.js';
import { parseStreamMessage, type StreamRiskEvent } from '../../src/stream/events.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { tempDir } from './pipelineHarness.js';

/** The simulator on a fake clock, the real Binance client pointed at it, and a temp dir for the store. */
export interface RiskWorld {
  clock: FakeClock;
  sim: PapiSimulator;
  binance: BinanceClient;
  dir: string;
  close(): Promise<void>;
}

/** Starts a `RiskWorld`; `close()` stops it and removes the dir. */
export async function startRiskWorld(seed: number): Promise<RiskWorld> {
  const clock = new FakeClock();
  const sim = await PapiSimulator.start({ now: () => clock.now(), seed });
  const urls = { papiUrl: sim.url, fapiUrl: sim.url, dapiUrl: sim.url };
  const binance = createBinanceClient({ apiKey: SIM_API_KEY, apiSecret: SIM_API_SECRET, ...urls, clock });
  const dir = await tempDir();
  return {
    clock,
    sim,
    binance,
    dir: dir.dir,
    async close() {
      await Promise.all([binance.close(), sim.close()]);
      await dir.cleanup();
    },
  };
}

/** Sets the simulator's account risk and returns the `riskLevelChange` it pushed, parsed as the stream client parses it. */
export function pushRisk(sim: PapiSimulator, input: SimRiskInput): StreamRiskEvent {
  const wire = sim.risk.set(input);
  if (!wire) throw new Error(`the simulator pushed no riskLevelChange for ${input.status}`);
  const parsed = parseStreamMessage(JSON.stringify(wire));
  if (parsed.type !== 'risk') throw new Error(`expected a risk event, got ${parsed.type}`);
  return parsed;
}

/** A risk monitor and a dispatcher over one store, started as the pipeline starts them. */
export interface RiskRun {
  monitor: RiskMonitor;
  store: StateStore;
  /** The digest's uniMMR record, when the run was started with `digest`. */
  uniMmrLows: UniMmrLows | undefined;
  /** Stops the monitor, then the dispatcher (each finishing its step), then flushes the store. */
  stop(): Promise<void>;
}

/** What `startRiskRun` may be given beside the world, the sinks and the logger. */
export interface RiskRunOptions {
  warnUniMmr?: string;
  /** The store file's adapter (a test's gated file); default the real file. */
  adapter?: Adapter<StoreDocument>;
  /** The daily digest on: uniMMR lows recorded, hours starting on the hour; default off. */
  digest?: boolean;
}

/** Opens the store in `world.dir` and starts a monitor reading the simulator's account, and a dispatcher to `sinks`. */
export async function startRiskRun(
  world: RiskWorld,
  sinks: readonly Sink[],
  logger: Logger,
  options: RiskRunOptions = {},
): Promise<RiskRun> {
  const { clock } = world;
  const { warnUniMmr, adapter } = options;
  const store = await StateStore.open({ path: join(world.dir, 'fw.json'), createAt: clock.now(), adapter });
  const names = sinks.map((s) => s.name);
  const riskOutbox = new RiskOutbox(store, names);
  const bus = new EventBus(logger);
  const dispatcher = new DeliveryDispatcher({ sinks, outbox: new Outbox(store, names), riskOutbox, bus, clock, logger });
  const onQueued = () => dispatcher.notify();
  const uniMmrLows = options.digest ? new UniMmrLows(store, 0) : undefined;
  const monitor = new RiskMonitor({ riskOutbox, account: world.binance.account(), clock, logger, onQueued, warnUniMmr, uniMmrLows });
  dispatcher.start();
  monitor.start();
  return {
    monitor,
    store,
    uniMmrLows,
    async stop() {
      await monitor.stop();
      await dispatcher.stop();
      await store.flush();
    },
  };
}

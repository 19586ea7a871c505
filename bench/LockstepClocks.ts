import { setImmediate as nextTurn } from 'node:timers/promises';
import type { UserStreamAccess } from '../src/app/pipelineStream.js';
import type { BinanceClient } from '../src/binance/createBinanceClient.js';
import type { ForceOrderSource } from '../src/binance/types.js';
import type { EventBus } from '../src/pipeline/EventBus.js';
import type { ListenKeyPort } from '../src/stream/UserDataStream.js';
import type { FakeClock } from '../test/fakes/FakeClock.js';
import type { RemoteSimulator } from './RemoteSimulator.js';

/** Real time a step may wait for the requests it set off: a stuck request must end the scenario. */
const STEP_TIMEOUT_MS = 30_000;

/**
 * The simulator's hand-moved clock (in its own process) and the bot's fake clock moved together, the
 * simulator's first so no request is stamped ahead of the exchange's time. After each step it waits
 * until the requests that step woke (a poll with its store write, a listenKey keepalive, contract
 * sizes) are done, so each lands in the simulated moment it was due and the weight counted per
 * simulated minute is the bot's real schedule. The bot's requests go through `source()` and `access`.
 */
export class LockstepClocks {
  /** The Binance client's stream side, its listenKey and contract-size requests counted while under way. */
  readonly access: UserStreamAccess;
  private readonly sim: RemoteSimulator;
  private readonly clock: FakeClock;
  private readonly inner: BinanceClient;
  private underWay = 0;
  /** A poll began and has not yet ended (`pollSucceeded`/`pollFailed` on a watched bus). */
  private polling = false;

  constructor(sim: RemoteSimulator, clock: FakeClock, client: BinanceClient) {
    this.sim = sim;
    this.clock = clock;
    this.inner = client;
    const keys = client.listenKeys();
    const listenKeys: ListenKeyPort = {
      create: () => this.count(keys.create()),
      keepAlive: (key) => this.count(keys.keepAlive(key)),
      close: (key) => this.count(keys.close(key)),
    };
    this.access = { listenKeys, contractSize: (symbol, pair) => this.count(client.contractSize(symbol, pair)) };
  }

  /** The client's COIN-M source, whose polls a step waits for (one pipeline at a time, its bus `watch`ed). */
  source(): ForceOrderSource {
    const source = this.inner.source('cm');
    return {
      allForceOrders: (window, options) => {
        this.polling = true;
        return this.count(source.allForceOrders(window, options));
      },
    };
  }

  /** Takes the end of each poll from the bus of the pipeline polling `source()`. */
  watch(bus: EventBus): void {
    const ended = () => {
      this.polling = false;
    };
    bus.on('pollSucceeded', ended);
    bus.on('pollFailed', ended);
  }

  /** Moves both clocks by `ms`, then waits for what that woke. */
  async step(ms: number): Promise<void> {
    await this.sim.advanceClock(ms);
    await this.clock.advance(ms);
    await this.settle();
  }

  /** Steps `stepMs` at a time for `ms`. */
  async run(ms: number, stepMs: number): Promise<void> {
    for (let moved = 0; moved < ms; moved += stepMs) await this.step(Math.min(stepMs, ms - moved));
  }

  /** Resolves once no request is under way and every poll has ended. */
  async settle(): Promise<void> {
    const started = Date.now();
    do {
      await nextTurn();
      if (Date.now() - started > STEP_TIMEOUT_MS) throw new Error(`requests still under way after ${STEP_TIMEOUT_MS} ms of real time`);
    } while (this.underWay > 0 || this.polling);
  }

  private async count<T>(request: Promise<T>): Promise<T> {
    this.underWay += 1;
    try {
      return await request;
    } finally {
      this.underWay -= 1;
    }
  }
}

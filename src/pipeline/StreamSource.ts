import type { Market } from '../binance/types.js';
import type { Logger } from '../ops/logger.js';
import type { Alert } from '../sinks/Sink.js';
import type { PipelineArchive } from '../store/PipelineStorage.js';
import type { UserDataStream } from '../stream/UserDataStream.js';
import type { Clock } from '../time.js';
import type { EventBus } from './EventBus.js';
import type { Outbox } from './Outbox.js';
import { StreamIngest } from './StreamIngest.js';

/** Default time between REST polls while the user data stream is open: 60 s (RECONCILE_INTERVAL_MS). */
export const DEFAULT_RECONCILE_INTERVAL_MS = 60_000;

/** The user data stream as the pipeline uses it: its order and state events, started and stopped with the pipeline. */
export type OrderStream = Pick<UserDataStream, 'on' | 'start' | 'stop'>;

/** What the pipeline needs to take force orders from the user data stream. */
export interface PipelineStream {
  stream: OrderStream;
  /** USD per contract of a COIN-M symbol (the Binance client's `contractSize`). */
  contractSize: (symbol: string, pair: string) => Promise<string>;
  /** Time between REST polls while the stream is open; default `DEFAULT_RECONCILE_INTERVAL_MS`. */
  reconcileIntervalMs?: number;
  /** How long a force order waits for its final update; default `STREAM_HOLD_MS`. */
  holdMs?: number;
  /** The books watched (BINANCE_MARKETS): the stream pushes every book's orders; default all. */
  markets?: readonly Market[];
}

/** Options of `StreamSource`: the stream and the pipeline parts it feeds. */
interface StreamSourceOptions extends PipelineStream {
  outbox: Outbox;
  archive: PipelineArchive;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  onQueued: (alerts: readonly Alert[]) => void;
  /** The REST poller, whose interval follows the stream's state. */
  poller: { setIntervalMs(ms: number): void };
  /** Time between REST polls while the stream is not open (POLL_INTERVAL_MS). */
  pollIntervalMs: number;
}

/**
 * The user data stream as forcewatch's primary source, REST as its reconciliation: the stream's force
 * orders go through `StreamIngest` into the commit path the poller uses; while the stream is open the
 * poller reads every `reconcileIntervalMs` (catching what the stream dropped, and what a connection
 * that is open but silent hides), and whenever it is not open, every `pollIntervalMs` again.
 */
export class StreamSource {
  private readonly options: StreamSourceOptions;
  private readonly ingest: StreamIngest;
  private readonly unsubscribe: (() => void)[] = [];
  private running: Promise<void> | undefined;

  constructor(options: StreamSourceOptions) {
    this.options = options;
    this.ingest = new StreamIngest(options);
  }

  /** Subscribes to the stream and starts it; a stream that gives up for good (a refused key) leaves polling at the poll interval. */
  start(): void {
    const { stream, bus, logger, poller, pollIntervalMs } = this.options;
    const reconcileIntervalMs = this.options.reconcileIntervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS;
    this.unsubscribe.push(
      stream.on('order', (event) => this.ingest.take(event)),
      stream.on('state', ({ state, reason }) => {
        const interval = state === 'open' ? reconcileIntervalMs : pollIntervalMs;
        poller.setIntervalMs(interval);
        bus.emit('streamState', { state, reason, pollIntervalMs: interval });
      }),
    );
    this.running = stream.start().catch((error: unknown) => {
      logger.error('the user data stream gave up; force orders are polled alone now, at the poll interval', { error });
    });
  }

  /** Stops the stream, then commits what it holds; resolves once both are done. */
  async stop(): Promise<void> {
    await this.options.stream.stop();
    await this.running;
    for (const off of this.unsubscribe.splice(0)) off();
    await this.ingest.stop();
  }
}

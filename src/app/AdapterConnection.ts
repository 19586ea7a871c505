import { type BackoffOptions, backoffDelay } from '../backoff.js';
import { errorMessage } from '../errorCode.js';
import type { Logger } from '../ops/logger.js';
import { type DeliverOptions, isSinkError, type Notification, type Sink, SinkError } from '../sinks/Sink.js';
import { type Clock, MINUTE_MS } from '../time.js';

/** A chat platform's adapter as the app starts it: its sink, the sink's credential check, its command front end. */
export interface ChatAdapter {
  /** The sink of the platform's alert channel. */
  readonly sink: Sink;
  /** The sink of another channel of the same platform (an account's own), made on first use. */
  sinkFor(channel: string): Sink;
  /**
   * One check that the sink can deliver (the platform answers and takes the token). Rejects with a
   * non-retryable `SinkError` naming the setting when it never will (a revoked token), anything else
   * when a later try may succeed.
   */
  verify(signal: AbortSignal): Promise<void>;
  /** One attempt to connect the `/forceorders` front end; rejects as `verify` does. */
  connect(signal: AbortSignal): Promise<void>;
  /** Disconnects; called once, after the attempts have ended. */
  stop(): Promise<void>;
}

/** Options of `AdapterConnection`. */
export interface AdapterConnectionOptions {
  adapter: ChatAdapter;
  logger: Logger;
  clock: Clock;
  /** Backoff between attempts; default 1 s doubling to a minute, equal jitter. */
  retry?: Pick<BackoffOptions, 'baseMs' | 'capMs' | 'random'>;
}

/** Where a connection's sink stands: its check not passed yet, passed, or refused for good. */
export type SinkState = 'verifying' | 'verified' | 'off';

/**
 * Connects one chat adapter in the background, so a platform that is down at boot silences only
 * itself: its credential check (`verify`) and then its front end (`connect`) are retried with capped
 * backoff while the pipeline and the other sinks run.
 *
 * `sink` is the adapter's sink behind a gate. Until the check passes, a delivery waits for the
 * attempt under way (starting one at once if the backoff is sleeping, so kept alerts go out on the
 * first delivery retry after the platform is back) and fails as retryable if it fails: the
 * dispatcher keeps the alerts in the outbox and counts the failure, which health and metrics see.
 * A token refused for good turns the sink off: deliveries fail as non-retryable without a request to
 * the platform (Discord bans clients that pile up 401s), the alerts stay in the outbox for the
 * restart that brings a new token, and the refusal is logged once, naming the setting.
 */
export class AdapterConnection {
  /** The adapter's sink, delivering once its check passed (see the class comment). */
  readonly sink: Sink;
  /** Settles after the first verify and connect attempts (whatever their outcome), or on stop. */
  readonly firstAttempt: Promise<void>;
  private readonly options: AdapterConnectionOptions;
  private readonly name: string;
  private readonly logger: Logger;
  private readonly stopping = new AbortController();
  private state: SinkState = 'verifying';
  private lastFailure: unknown;
  private verifying = false;
  private verdictWaiters: (() => void)[] = [];
  private retryNow = new AbortController();
  private firstAttemptDone: () => void = () => {};
  private running: Promise<void> | undefined;

  constructor(options: AdapterConnectionOptions) {
    this.options = options;
    const inner = options.adapter.sink;
    this.name = inner.name;
    this.logger = options.logger.child({ sink: inner.name });
    this.firstAttempt = new Promise((resolve) => {
      this.firstAttemptDone = resolve;
    });
    // A stop (or the start-up's signal) releases whatever waits on this connection.
    this.stopping.signal.addEventListener(
      'abort',
      () => {
        this.settle();
        this.firstAttemptDone();
      },
      { once: true },
    );
    this.sink = this.gated(inner);
  }

  /** The sink of `channel` (an account's own) behind the same gate; undefined: the platform's alert channel. */
  sinkFor(channel: string | undefined): Sink {
    return channel === undefined ? this.sink : this.gated(this.options.adapter.sinkFor(channel));
  }

  /** `inner`, delivering once the platform's check passed (see the class comment). */
  private gated(inner: Sink): Sink {
    return {
      name: inner.name,
      deliver: async (notification: Notification, deliverOptions?: DeliverOptions) => {
        await this.gate(deliverOptions?.signal);
        return inner.deliver(notification, deliverOptions);
      },
    };
  }

  /** Where the sink stands now. */
  get status(): SinkState {
    return this.state;
  }

  /** Starts the attempts; an abort of `signal` (a shutdown during start-up) ends them as `stop()` does. */
  start(signal?: AbortSignal): void {
    if (this.running !== undefined) return;
    if (signal?.aborted) this.stopping.abort(signal.reason);
    else signal?.addEventListener('abort', () => this.stopping.abort(signal.reason), { once: true, signal: this.stopping.signal });
    this.running = this.run();
  }

  /** Ends the attempts (one under way is abandoned), wakes waiting deliveries, then stops the adapter. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
    await this.options.adapter.stop();
  }

  private async run(): Promise<void> {
    const { adapter, clock } = this.options;
    const began = clock.now();
    const verifyAttempts = await this.retrying('verify', (signal) => adapter.verify(signal));
    if (verifyAttempts !== undefined && verifyAttempts > 1) {
      this.logger.info(`${this.name} joined: it is reachable now, and the alerts kept for it go out`, {
        attempts: verifyAttempts,
        afterMs: clock.now() - began,
      });
    }
    if (verifyAttempts !== undefined) await this.retrying('connect', (signal) => adapter.connect(signal));
    this.firstAttemptDone();
  }

  /**
   * Runs `step` until it succeeds (resolves with the attempts it took), refuses for good or the
   * connection stops (resolves undefined). Any failed attempt ends `firstAttempt`.
   */
  private async retrying(step: 'verify' | 'connect', attempt: (signal: AbortSignal) => Promise<void>): Promise<number | undefined> {
    const signal = this.stopping.signal;
    for (let attempts = 1; !signal.aborted; attempts += 1) {
      if (this.retryNow.signal.aborted) this.retryNow = new AbortController();
      this.verifying = step === 'verify';
      const failure = await attempt(signal).then(
        () => undefined,
        (error: unknown) => error ?? new Error(`${this.name}: ${step} failed`),
      );
      this.verifying = false;
      if (signal.aborted) return undefined;
      if (failure === undefined) {
        if (step === 'verify') this.setState('verified');
        return attempts;
      }
      if (isSinkError(failure) && !failure.retryable) {
        this.refused(step, failure);
        return undefined;
      }
      const retryInMs = backoffDelay(attempts, { baseMs: 1_000, capMs: MINUTE_MS, ...this.options.retry, jitter: 'equal' });
      if (step === 'verify') {
        this.lastFailure = failure;
        this.settle();
        this.logger.warn(`${this.name} is unreachable; forcewatch runs without it, keeps its alerts and tries again`, {
          error: failure,
          attempts,
          retryInMs,
        });
      } else {
        this.logger.warn(`${this.name} commands could not connect; alerts are not affected, trying again`, {
          error: failure,
          attempts,
          retryInMs,
        });
      }
      this.firstAttemptDone();
      await this.options.clock.sleep(retryInMs, AbortSignal.any([signal, this.retryNow.signal])).catch(() => {});
    }
    return undefined;
  }

  /** A refusal for good: the sink (verify) or the front end (connect) stays off, said once. */
  private refused(step: 'verify' | 'connect', error: SinkError): void {
    if (step === 'verify') {
      this.setState('off');
      this.logger.error(`${this.name} is off: ${error.message}. Its alerts are kept in the outbox; the other sinks go on`);
    } else {
      this.logger.error(`${this.name} commands are off: ${error.message}. Alerts still go out`);
    }
  }

  private setState(state: SinkState): void {
    this.state = state;
    this.settle();
  }

  /** Wakes the deliveries waiting for a verdict. */
  private settle(): void {
    for (const wake of this.verdictWaiters.splice(0)) wake();
  }

  /** Lets a delivery through once the sink's check has passed; see the class comment. */
  private async gate(signal: AbortSignal | undefined): Promise<void> {
    if (this.state === 'verifying') await this.nextVerdict(signal);
    if (this.state === 'verified') return;
    if (this.state === 'off') {
      // Without the refusal itself: the dispatcher logs this at every retry, and the refusal is said once.
      throw new SinkError(`${this.name} is off: its settings were refused at start-up (see the error logged then); fix them and restart`, {
        retryable: false,
        reason: 'auth',
      });
    }
    const why = this.lastFailure === undefined ? 'still connecting' : errorMessage(this.lastFailure);
    throw new SinkError(`${this.name} is not connected yet: ${why}`, {
      retryable: true,
      reason: isSinkError(this.lastFailure) ? this.lastFailure.reason : 'network',
      cause: this.lastFailure,
    });
  }

  /**
   * Resolves once the check under way has a verdict, after starting one now if the backoff was
   * sleeping (an alert is waiting: no reason to wait out the backoff); also on stop or `signal`.
   */
  private nextVerdict(signal: AbortSignal | undefined): Promise<void> {
    if (this.stopping.signal.aborted || signal?.aborted) return Promise.resolve();
    if (!this.verifying) this.retryNow.abort();
    return new Promise<void>((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.verdictWaiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

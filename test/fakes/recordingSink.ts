import type { Notification, Sink } from '../../src/sinks/Sink.js';

/**
 * A sink that keeps every notification it accepts. It can be told to fail (a queue of errors) or to
 * hold deliveries until released, to show one slow sink never delays another.
 */
export class RecordingSink implements Sink {
  readonly name: string;
  /** Accepted notifications, in order. */
  readonly received: Notification[] = [];
  /** Every attempt, accepted or not. */
  attempts = 0;
  private readonly failures: unknown[] = [];
  private failAlways: unknown;
  private gate: Promise<void> | undefined;
  private waiters: { ready: () => boolean; resolve: () => void }[] = [];

  constructor(name: string) {
    this.name = name;
  }

  /** The next attempts reject with these errors, one each. */
  failNext(...errors: unknown[]): void {
    this.failures.push(...errors);
  }

  /** Every attempt rejects with `error` until `recover()`. */
  failUntilRecovered(error: unknown): void {
    this.failAlways = error;
  }

  /** Stops failing. */
  recover(): void {
    this.failAlways = undefined;
  }

  /** Holds every delivery until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.gate = undefined;
      release();
    };
  }

  /** Operational notices accepted, in order (kept apart from alerts: `received`, `attempts` and `failNext` are the alerts'). */
  readonly notices: Extract<Notification, { type: 'notice' }>[] = [];

  /** A notice fails while the sink fails always (it is down), and is kept otherwise. */
  private async acceptNotice(notice: Extract<Notification, { type: 'notice' }>): Promise<void> {
    if (this.failAlways !== undefined) throw this.failAlways;
    this.notices.push(notice);
    this.wake();
  }

  /** Resolves once at least `count` notices have been accepted. */
  untilNotices(count: number): Promise<void> {
    return this.until(() => this.notices.length >= count);
  }

  /** Alert ids of everything accepted, in order (a digest's is its key, `digest:<day>`). */
  readonly alertIds: string[] = [];

  /** Resolves once at least `count` alerts have been accepted. */
  untilAlerts(count: number): Promise<void> {
    return this.until(() => this.alertIds.length >= count);
  }

  private until(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ ready, resolve }));
  }

  private wake(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.ready()) return true;
      w.resolve();
      return false;
    });
  }

  async deliver(notification: Notification): Promise<void> {
    if (notification.type === 'notice') return this.acceptNotice(notification);
    this.attempts += 1;
    if (this.gate !== undefined) await this.gate;
    if (this.failures.length > 0) throw this.failures.shift();
    if (this.failAlways !== undefined) throw this.failAlways;
    this.received.push(notification);
    if (notification.type === 'single' || notification.type === 'risk') this.alertIds.push(notification.alert.id);
    else if (notification.type === 'digest') this.alertIds.push(notification.key);
    else for (const alert of notification.alerts) this.alertIds.push(alert.id);
    this.wake();
  }
}

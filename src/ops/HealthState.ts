/**
 * Whether the bot is doing its job: healthy once a poll has succeeded, and for as long as the latest
 * poll succeeded, the last success is recent (a hung poller goes stale and turns unhealthy), and no
 * sink has failed every delivery for longer than `sinkDownAfterMs` (alerts found but not delivered).
 */
export class HealthState {
  private lastSuccessAt: number | undefined;
  private lastFailure: string | undefined;
  /** Sinks whose deliveries fail: since when (the first failure after their last success), and why. */
  private readonly failingSinks = new Map<string, { since: number; reason: string }>();
  /** The user data stream's state, when the bot runs on it (BINANCE_STREAM on). */
  private stream: { state: string; reason: string } | undefined;

  constructor(
    private readonly now: () => number,
    /** How old the last success may get before the bot counts as stuck. */
    private readonly staleAfterMs: number,
    /** How long a sink may fail every delivery before the bot counts as unhealthy (WATCHDOG_AFTER); default never. */
    private readonly sinkDownAfterMs = Number.POSITIVE_INFINITY,
  ) {}

  /** Records a successful poll. */
  pollSucceeded(at: number): void {
    this.lastSuccessAt = at;
    this.lastFailure = undefined;
  }

  /** Records a failed poll with a short, secret-free reason. */
  pollFailed(reason: string): void {
    this.lastFailure = reason;
  }

  /** Records a failed delivery attempt to `sink` with a short, secret-free reason. */
  deliveryFailed(sink: string, reason: string): void {
    this.failingSinks.set(sink, { since: this.failingSinks.get(sink)?.since ?? this.now(), reason });
  }

  /** Records that `sink` delivered: it is working. */
  delivered(sink: string): void {
    this.failingSinks.delete(sink);
  }

  /**
   * Records the user data stream's state. Shown, never unhealthy by itself: while the stream is not
   * open REST polls at the poll interval, and polling's own health is what the verdict says.
   */
  streamChanged(state: string, reason: string): void {
    this.stream = { state, reason };
  }

  /** The verdict and the reason, as `/healthz` reports it; with the stream's state when the bot runs on it. */
  status(): { healthy: boolean; reason: string; lastSuccessAt?: string; stream?: { state: string; reason: string } } {
    const verdict = this.verdict();
    return this.stream ? { ...verdict, stream: this.stream } : verdict;
  }

  private verdict(): { healthy: boolean; reason: string; lastSuccessAt?: string } {
    const lastSuccessAt = this.lastSuccessAt === undefined ? undefined : new Date(this.lastSuccessAt).toISOString();
    if (this.lastSuccessAt === undefined) return { healthy: false, reason: this.lastFailure ?? 'no successful poll yet' };
    if (this.lastFailure !== undefined) return { healthy: false, reason: `last poll failed: ${this.lastFailure}`, lastSuccessAt };
    const age = this.now() - this.lastSuccessAt;
    if (age > this.staleAfterMs) return { healthy: false, reason: `no successful poll for ${Math.round(age / 1000)}s`, lastSuccessAt };
    for (const [sink, failing] of this.failingSinks) {
      const down = this.now() - failing.since;
      if (down > this.sinkDownAfterMs) {
        return {
          healthy: false,
          reason: `${sink} has failed every delivery for ${Math.round(down / 1000)}s: ${failing.reason}`,
          lastSuccessAt,
        };
      }
    }
    return { healthy: true, reason: 'polling', lastSuccessAt };
  }
}

/** What `/healthz` answers: the verdict, its reason, and the details that explain it. */
export type HealthStatus = ReturnType<HealthState['status']> & { accounts?: Record<string, ReturnType<HealthState['status']>> };

/**
 * The bot's health over its accounts: healthy while every account is. One account answers exactly as
 * it always did; with several, the reason names each unhealthy account and `accounts` has every one's.
 */
export function combinedHealth(accounts: readonly (readonly [string, HealthState])[]): { status(): HealthStatus } {
  return {
    status() {
      const each = accounts.map(([name, health]) => [name, health.status()] as const);
      const [only] = each;
      if (each.length === 1 && only) return only[1];
      const sick = each.filter(([, status]) => !status.healthy);
      const reason = sick.length === 0 ? 'polling' : sick.map(([name, status]) => `${name}: ${status.reason}`).join('; ');
      return { healthy: sick.length === 0, reason, accounts: Object.fromEntries(each) };
    },
  };
}

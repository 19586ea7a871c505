/**
 * Whether the bot is doing its job: healthy once a poll has succeeded, and for as long as the latest
 * poll succeeded and the last success is recent (a hung poller goes stale and turns unhealthy).
 */
export class HealthState {
  private lastSuccessAt: number | undefined;
  private lastFailure: string | undefined;

  constructor(
    private readonly now: () => number,
    /** How old the last success may get before the bot counts as stuck. */
    private readonly staleAfterMs: number,
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

  /** The verdict and the reason, as `/healthz` reports it. */
  status(): { healthy: boolean; reason: string; lastSuccessAt?: string } {
    const lastSuccessAt = this.lastSuccessAt === undefined ? undefined : new Date(this.lastSuccessAt).toISOString();
    if (this.lastSuccessAt === undefined) return { healthy: false, reason: this.lastFailure ?? 'no successful poll yet' };
    if (this.lastFailure !== undefined) return { healthy: false, reason: `last poll failed: ${this.lastFailure}`, lastSuccessAt };
    const age = this.now() - this.lastSuccessAt;
    if (age > this.staleAfterMs) return { healthy: false, reason: `no successful poll for ${Math.round(age / 1000)}s`, lastSuccessAt };
    return { healthy: true, reason: 'polling', lastSuccessAt };
  }
}

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The bot's Prometheus metrics, in its own registry (so tests can create several without clashes).
 * Names follow https://prometheus.io/docs/practices/naming/. Everything about one account's pipeline
 * carries an `account` label (`AccountConfig.name`): one gauge for every account would let a healthy
 * account's polls hide a blind one from the alert rules, and two accounts' outboxes overwrite each other.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly polls = new Counter({
    name: 'forcewatch_polls_total',
    help: 'Polls of the force-order endpoint that succeeded.',
    labelNames: ['account'],
    registers: [this.registry],
  });
  readonly pollFailures = new Counter({
    name: 'forcewatch_poll_failures_total',
    help: 'Polls that failed after the client gave up retrying.',
    labelNames: ['account'],
    registers: [this.registry],
  });
  readonly ordersSeen = new Counter({
    name: 'forcewatch_orders_seen_total',
    help: 'New force orders found and queued for alerting.',
    labelNames: ['account'],
    registers: [this.registry],
  });
  readonly alertsDelivered = new Counter({
    name: 'forcewatch_alerts_delivered_total',
    help: 'Alerts a sink accepted (one per order, grouped or not).',
    labelNames: ['account', 'sink'],
    registers: [this.registry],
  });
  readonly deliveryFailures = new Counter({
    name: 'forcewatch_delivery_failures_total',
    help: 'Delivery attempts a sink refused or that failed on the way, by reason: auth, rate_limited, client_error, server_error, network, other.',
    labelNames: ['account', 'sink', 'reason'],
    registers: [this.registry],
  });
  readonly deliveryLatency = new Histogram({
    name: 'forcewatch_delivery_latency_seconds',
    help: 'Seconds from a force order being found (queued) to a sink having it (recorded), one observation per alert.',
    labelNames: ['account', 'sink'],
    // From a quick post (under a second) to an outage's backlog (an hour).
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600],
    registers: [this.registry],
  });
  readonly notices = new Counter({
    name: 'forcewatch_notices_total',
    help: 'Operational notices (the bot is blind, a sink fails, it works again) per sink, severity and outcome (sent or failed).',
    labelNames: ['account', 'sink', 'severity', 'outcome'],
    registers: [this.registry],
  });
  readonly outboxDepth = new Gauge({
    name: 'forcewatch_outbox_depth',
    help: 'Alerts waiting for delivery to a sink.',
    labelNames: ['account', 'sink'],
    registers: [this.registry],
  });
  readonly weightUsed = new Counter({
    name: 'forcewatch_request_weight_total',
    help: 'Binance request weight spent by polls.',
    labelNames: ['account'],
    registers: [this.registry],
  });
  readonly usedWeight = new Gauge({
    name: 'forcewatch_binance_used_weight',
    help: "Request weight Binance counts for this IP in the current minute, per API (papi, fapi, dapi), from each answer's X-MBX-USED-WEIGHT-1M.",
    labelNames: ['api'],
    registers: [this.registry],
  });
  readonly streamOpen = new Gauge({
    name: 'forcewatch_user_data_stream_open',
    help: 'Whether the Portfolio Margin user data stream is open (1) or not (0: REST polls at POLL_INTERVAL_MS); absent with BINANCE_STREAM=off.',
    labelNames: ['account'],
    registers: [this.registry],
  });
  readonly lastSuccessfulPoll = new Gauge({
    name: 'forcewatch_last_successful_poll_timestamp_seconds',
    help: 'Unix time of the last successful poll.',
    labelNames: ['account'],
    registers: [this.registry],
  });

  /**
   * Drops the gauges of `account` (its pipeline stopped here: with high availability another instance
   * leads it now), so a standby never shows a stale last poll that the alert rules would take for a blind
   * bot. Counters stay: they only ever count what this process did.
   */
  forgetAccount(account: string, sinks: readonly string[]): void {
    this.lastSuccessfulPoll.remove({ account });
    this.streamOpen.remove({ account });
    for (const sink of sinks) this.outboxDepth.remove({ account, sink });
  }

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'forcewatch_' });
  }
}

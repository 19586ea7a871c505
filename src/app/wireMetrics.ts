import type { HealthState } from '../ops/HealthState.js';
import type { Metrics } from '../ops/Metrics.js';
import { redact } from '../ops/redact.js';
import type { EventBus } from '../pipeline/EventBus.js';

/** Short, secret-free words for a poll failure, as `/healthz` shows them. */
function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return redact(text).slice(0, 200);
}

/** Feeds the pipeline's events into the Prometheus metrics and the health state. */
export function wireMetrics(bus: EventBus, metrics: Metrics, health: HealthState): void {
  bus.on('pollSucceeded', ({ at, newOrders, weight }) => {
    metrics.polls.inc();
    metrics.ordersSeen.inc(newOrders);
    metrics.weightUsed.inc(weight);
    metrics.lastSuccessfulPoll.set(at / 1000);
    health.pollSucceeded(at);
  });
  bus.on('pollFailed', ({ error }) => {
    metrics.pollFailures.inc();
    health.pollFailed(reasonOf(error));
  });
  bus.on('delivered', ({ sink, alertIds }) => metrics.alertsDelivered.inc({ sink }, alertIds.length));
  bus.on('deliveryFailed', ({ sink }) => metrics.deliveryFailures.inc({ sink }));
  bus.on('outboxDepth', ({ sink, depth }) => metrics.outboxDepth.set({ sink }, depth));
}

import { displayDecimal } from '../decimal.js';
import { describeSide, formatKindCounts, kindNote, orderFacts, orderSummary } from '../format/orderText.js';
import type { Alert, AlertGroupSummary, Notification, OperationalNotice, Sink } from '../sinks/Sink.js';
import { SinkError } from '../sinks/Sink.js';
import { formatSpan, formatTime } from '../time.js';

/** Options of `ConsoleSink`. */
export interface ConsoleSinkOptions {
  /** Receives each block of text, newline-terminated (default: `process.stdout.write`). */
  write?: (text: string) => void;
}

/** A sink that prints each alert or group as a readable block: the demo's and the operator's view. */
export class ConsoleSink implements Sink {
  readonly name = 'console';
  private readonly write: (text: string) => void;

  constructor(options: ConsoleSinkOptions = {}) {
    this.write = options.write ?? ((text) => void process.stdout.write(text));
  }

  /** Prints the notification; a writer that throws becomes a retryable `SinkError`. */
  async deliver(notification: Notification): Promise<void> {
    const text =
      notification.type === 'single'
        ? formatAlert(notification.alert)
        : notification.type === 'group'
          ? formatGroup(notification.alerts, notification.summary)
          : formatNotice(notification.notice);
    try {
      this.write(`${text}\n`);
    } catch (error) {
      throw new SinkError('console: could not write the alert', { retryable: true, cause: error });
    }
  }
}

function formatAlert(alert: Alert): string {
  const { order } = alert;
  const facts = orderFacts(order);
  const width = Math.max(...facts.map((fact) => fact.label.length));
  const note = kindNote(order.kind);
  return [
    `${order.kind} ${order.symbol}: ${describeSide(order)}`,
    ...(note === undefined ? [] : [`  ${note}`]),
    ...facts.map((fact) => `  ${fact.label.padEnd(width)}  ${fact.value}`),
  ].join('\n');
}

function formatGroup(alerts: Alert[], summary: AlertGroupSummary): string {
  const symbols = summary.symbols.map((s) => `${s.symbol} x${s.count} (${displayDecimal(s.notionalUsd)} USD)`).join(', ');
  const span = summary.lastTime - summary.firstTime;
  return [
    `FORCE ORDERS: ${summary.count} orders, ${displayDecimal(summary.totalNotionalUsd)} USD notional ` +
      `(${formatKindCounts(summary.byKind)})`,
    `  Symbols: ${symbols}`,
    `  Span: ${formatTime(summary.firstTime)} to ${formatTime(summary.lastTime)}${span > 0 ? ` (${formatSpan(span)})` : ''}`,
    ...alerts.map((alert) => `  - ${orderSummary(alert.order)}`),
  ].join('\n');
}

/** A notice about the bot itself, told apart from alerts at a glance. */
function formatNotice(notice: OperationalNotice): string {
  const label = notice.severity === 'warning' ? 'FORCEWATCH WARNING' : 'FORCEWATCH RECOVERED';
  return [`${label}: ${notice.title}`, ...notice.text.split('\n').map((line) => `  ${line}`)].join('\n');
}

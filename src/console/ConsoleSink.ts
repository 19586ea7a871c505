import { displayDecimal } from '../decimal.js';
import { accountTitle } from '../format/accountText.js';
import { digestText } from '../format/digestText.js';
import { describeSide, formatKindCounts, kindNote, orderFacts, orderSummary } from '../format/orderText.js';
import { RISK_GUIDANCE_NOTE, riskAlertFacts, riskGuidance, riskSeverity, riskTitle } from '../format/riskAlertText.js';
import type { Alert, AlertGroupSummary, Notification, OperationalNotice, RiskEvent, Sink } from '../sinks/Sink.js';
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

  /** Prints the notification, its first line headed by the account's name; a writer that throws becomes a retryable `SinkError`. */
  async deliver(notification: Notification): Promise<void> {
    const block =
      notification.type === 'single'
        ? formatAlert(notification.alert)
        : notification.type === 'group'
          ? formatGroup(notification.alerts, notification.summary)
          : notification.type === 'risk'
            ? formatRisk(notification.alert.risk)
            : notification.type === 'digest'
              ? digestText(notification)
              : formatNotice(notification.notice);
    // Every block's first line is its title, so the account's name in front of the block heads it (a
    // digest's own title names its account already).
    const text = notification.type === 'digest' ? block : accountTitle(notification.account?.name, block);
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

/** What a risk alert's first line starts with: loud until the account is back to normal. */
const RISK_LABEL = { danger: 'ACCOUNT RISK', warning: 'ACCOUNT RISK', ok: 'ACCOUNT OK' } as const;

/** A risk alert: the level, what it means and what to do, the figures, and Binance's caveat. */
function formatRisk(risk: RiskEvent): string {
  const facts = riskAlertFacts(risk);
  const width = Math.max(...facts.map((fact) => fact.label.length));
  const { meaning, action } = riskGuidance(risk);
  return [
    `${RISK_LABEL[riskSeverity(risk)]}: ${riskTitle(risk)}`,
    `  ${meaning}`,
    `  What to do: ${action}`,
    ...facts.map((fact) => `  ${fact.label.padEnd(width)}  ${fact.value}`),
    ...(risk.kind === 'normal' ? [] : [`  ${RISK_GUIDANCE_NOTE}`]),
  ].join('\n');
}

/** A notice about the bot itself, told apart from alerts at a glance. */
function formatNotice(notice: OperationalNotice): string {
  const label = notice.severity === 'warning' ? 'FORCEWATCH WARNING' : 'FORCEWATCH RECOVERED';
  return [`${label}: ${notice.title}`, ...notice.text.split('\n').map((line) => `  ${line}`)].join('\n');
}

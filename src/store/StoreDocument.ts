import type { ForceOrder } from '../binance/types.js';
import type { DailyDigest, RiskEvent } from '../sinks/Sink.js';
import { RISK_LEVELS, type RiskLevel } from '../stream/events.js';

/**
 * An alert not yet delivered to every configured sink, with the sinks that already have it. It keeps the
 * whole order, so the store alone can deliver it after a restart (a store backup holds every alert
 * waiting). Stored entries are frozen: an update replaces an entry instead of changing it.
 */
export interface OutboxEntry {
  /** `orderKey(order)`. */
  id: string;
  order: ForceOrder;
  /** When the poller queued it (ms). */
  queuedAt: number;
  /** Names of the sinks that accepted it, each recorded after its own success. */
  deliveredTo: string[];
  /**
   * Sink name -> the notification that sink is attempting with this alert, written before the send
   * and cleared with the delivery record: found at start-up, it says the send may have landed.
   */
  attempts?: Record<string, DeliveryAttempt>;
}

/** An attempt marker: which notification (`Notification.key`) a sink was handed, and when (ms). */
export interface DeliveryAttempt {
  key: string;
  at: number;
}

/**
 * A notification that goes out on its own, never grouped (a risk alert, a daily digest), not yet
 * delivered to every configured sink: as `OutboxEntry`, with what it says instead of an order.
 */
export interface KeyedOutboxEntry {
  /** The notification's key: `RiskAlert.id` (`risk:<eventTime>:<level>`), `digest:<day>`. */
  id: string;
  /** When it was queued (ms). */
  queuedAt: number;
  /** Names of the sinks that accepted it, each recorded after its own success. */
  deliveredTo: string[];
  /** Sink name -> its attempt at it, as `OutboxEntry.attempts`. */
  attempts?: Record<string, DeliveryAttempt>;
}

/** A risk alert not yet delivered to every configured sink. */
export interface RiskOutboxEntry extends KeyedOutboxEntry {
  risk: RiskEvent;
}

/** A daily digest not yet delivered to every configured sink. */
export interface DigestOutboxEntry extends KeyedOutboxEntry {
  digest: DailyDigest;
}

/** The lowest uniMMR seen in one hour of the digest's hours (hours start at DIGEST_AT's minute past). */
export interface UniMmrLow {
  /** Start of the hour (ms). */
  hour: number;
  /** uniMMR as Binance sent it (a decimal string). */
  value: string;
  /** When it was seen (ms). */
  time: number;
}

/** What the daily digest (DIGEST_AT) keeps so a restart never posts a day twice (schema version 3). */
export interface DigestState {
  /** The last day (`YYYY-MM-DD`) whose digest was queued, or skipped as a day not watched; null until the digest first runs. */
  lastDay: string | null;
  /** Digests waiting for at least one sink, oldest first. */
  outbox: DigestOutboxEntry[];
  /** The lowest uniMMR of each of the last `UNIMMR_LOW_HOURS` hours, oldest first: bounded, never a growing list. */
  uniMmrLows: UniMmrLow[];
}

/** Hours of uniMMR lows kept: a digest's 24 hours, and the hour a late digest may reach back into. */
export const UNIMMR_LOW_HOURS = 25;

/** The digest state of a new store, and of one migrated from before digests: nothing queued, nothing seen. */
export function newDigestState(): DigestState {
  return { lastDay: null, outbox: [], uniMmrLows: [] };
}

/**
 * What the risk monitor knows, kept so a restart neither repeats an alert nor forgets a level. Frozen
 * like the rest of the document: an update replaces it whole.
 */
export interface RiskState {
  /** The level the last `riskLevelChange` reported, until the account is back to NORMAL; null when none is active. */
  level: RiskLevel | null;
  /** The last `riskLevelChange` taken: an event at or before it (a stream rotation's repeat) is not alerted again. */
  lastEvent: { time: number; level: RiskLevel } | null;
  /** True when the RISK_WARN_UNIMMR warning fires at the next fall below the line; false until uniMMR is back above the re-arm line. */
  warnArmed: boolean;
  /** Risk alerts waiting for at least one sink, oldest first. */
  outbox: RiskOutboxEntry[];
}

/** The risk state of a new store, and of one migrated from before risk alerts: nothing active, the warning armed. */
export function newRiskState(): RiskState {
  return { level: null, lastEvent: null, warnArmed: true, outbox: [] };
}

/**
 * The schema version this build writes. Bump it only with a migration step in `migrateStoreDocument.ts`
 * that turns the previous version's document into this one.
 */
export const STORE_SCHEMA_VERSION = 3;

/**
 * The whole lowdb document. It is rewritten on every write, so it holds only what must survive a
 * restart and stays small: seen ids are pruned past the overlap, delivered alerts leave the outbox,
 * and the full history goes to the append-only archive instead.
 */
export interface StoreDocument {
  version: typeof STORE_SCHEMA_VERSION;
  /** Every order up to here (ms) has been fetched and queued; the next poll re-asks from `watermark - overlapMs`. */
  watermark: number;
  /** Orders older than this (the first start minus any backfill) are history, never alerted. */
  alertFrom: number;
  /** Order key -> updateTime of the orders seen inside the re-queried overlap. */
  seen: Record<string, number>;
  /** Alerts waiting for at least one sink, oldest first. */
  outbox: OutboxEntry[];
  /** Every symbol the account has had a force order on, sorted (for autocomplete). */
  symbols: string[];
  /** The risk monitor's state and its alerts waiting for delivery (schema version 2). */
  risk: RiskState;
  /**
   * The account (`AccountConfig.name`) whose store this is; null until an account opens it (a new store
   * opened without one, a store migrated from version 2). Schema version 3.
   */
  account: string | null;
  /** The daily digest's state and its digests waiting for delivery (schema version 3). */
  digest: DigestState;
}

/** A fresh document for a store created at `alertFrom`, claimed by `account` (null: by none yet). */
export function newStoreDocument(alertFrom: number, account: string | null = null): StoreDocument {
  return {
    version: STORE_SCHEMA_VERSION,
    watermark: alertFrom,
    alertFrom,
    seen: {},
    outbox: [],
    symbols: [],
    risk: newRiskState(),
    account,
    digest: newDigestState(),
  };
}

/** Names what is wrong with a parsed document, or returns undefined when it has the current version's shape. */
export function storeDocumentProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'it is not a JSON object';
  const doc = value as Record<string, unknown>;
  if (doc.version !== STORE_SCHEMA_VERSION) {
    return `unknown version ${JSON.stringify(doc.version)} (this build reads version ${STORE_SCHEMA_VERSION})`;
  }
  if (!Number.isFinite(doc.watermark)) return 'watermark is not a number';
  if (!Number.isFinite(doc.alertFrom)) return 'alertFrom is not a number';
  if (typeof doc.seen !== 'object' || doc.seen === null || Array.isArray(doc.seen)) return 'seen is not an object';
  if (!Array.isArray(doc.outbox)) return 'outbox is not a list';
  const bad = doc.outbox.findIndex((e: unknown) => !isOutboxEntry(e));
  if (bad >= 0) return `outbox entry ${bad} is malformed`;
  if (!Array.isArray(doc.symbols) || !doc.symbols.every((s) => typeof s === 'string')) return 'symbols is not a list of strings';
  if (doc.account !== null && (typeof doc.account !== 'string' || doc.account === '')) return 'account is not a name or null';
  return riskStateProblem(doc.risk) ?? digestStateProblem(doc.digest);
}

function digestStateProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'digest is not an object';
  const digest = value as Record<string, unknown>;
  if (digest.lastDay !== null && !(typeof digest.lastDay === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(digest.lastDay))) {
    return 'digest.lastDay is not a YYYY-MM-DD day or null';
  }
  if (!Array.isArray(digest.outbox)) return 'digest.outbox is not a list';
  const bad = digest.outbox.findIndex((e: unknown) => !isDigestOutboxEntry(e));
  if (bad >= 0) return `digest.outbox entry ${bad} is malformed`;
  if (!Array.isArray(digest.uniMmrLows) || !digest.uniMmrLows.every(isUniMmrLow))
    return 'digest.uniMmrLows is not a list of {hour, value, time}';
  return undefined;
}

function isUniMmrLow(value: unknown): value is UniMmrLow {
  const low = value as Partial<UniMmrLow> | null;
  return typeof low === 'object' && low !== null && Number.isFinite(low.hour) && typeof low.value === 'string' && Number.isFinite(low.time);
}

function isDigestOutboxEntry(value: unknown): value is DigestOutboxEntry {
  if (!isKeyedOutboxEntry(value)) return false;
  const digest = (value as { digest?: unknown }).digest as Partial<DailyDigest> | null | undefined;
  return typeof digest === 'object' && digest !== null && typeof digest.day === 'string' && Number.isFinite(digest.count);
}

function riskStateProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'risk is not an object';
  const risk = value as Record<string, unknown>;
  if (risk.level !== null && !isRiskLevel(risk.level)) return 'risk.level is not a risk level or null';
  const last = risk.lastEvent as { time?: unknown; level?: unknown } | null | undefined;
  if (last !== null && !(typeof last === 'object' && Number.isFinite(last?.time) && isRiskLevel(last?.level))) {
    return 'risk.lastEvent is not {time, level} or null';
  }
  if (typeof risk.warnArmed !== 'boolean') return 'risk.warnArmed is not a boolean';
  if (!Array.isArray(risk.outbox)) return 'risk.outbox is not a list';
  const bad = risk.outbox.findIndex((e: unknown) => !isRiskOutboxEntry(e));
  return bad >= 0 ? `risk.outbox entry ${bad} is malformed` : undefined;
}

function isRiskLevel(value: unknown): value is RiskLevel {
  return (RISK_LEVELS as readonly unknown[]).includes(value);
}

function isRiskOutboxEntry(value: unknown): value is RiskOutboxEntry {
  if (!isKeyedOutboxEntry(value)) return false;
  const risk = (value as { risk?: unknown }).risk as { kind?: unknown } | null | undefined;
  return typeof risk === 'object' && risk !== null && (risk.kind === 'level' || risk.kind === 'normal' || risk.kind === 'warning');
}

function isKeyedOutboxEntry(value: unknown): value is KeyedOutboxEntry {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.id === 'string' &&
    Array.isArray(e.deliveredTo) &&
    Number.isFinite(e.queuedAt) &&
    (e.attempts === undefined || isAttempts(e.attempts))
  );
}

function isOutboxEntry(value: unknown): value is OutboxEntry {
  if (!isKeyedOutboxEntry(value)) return false;
  const order = (value as { order?: unknown }).order;
  return typeof order === 'object' && order !== null;
}

function isAttempts(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((a: unknown) => {
    const attempt = a as Partial<DeliveryAttempt> | null;
    return typeof attempt?.key === 'string' && Number.isFinite(attempt.at);
  });
}

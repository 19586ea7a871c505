import { newDigestState, newRiskState, STORE_SCHEMA_VERSION } from './StoreDocument.js';

/** One step of the store schema: turns a parsed version-`from` document into a version-`from + 1` one. */
interface MigrationStep {
  from: number;
  /** What changed, for the log line written when a store is migrated. */
  change: string;
  up(document: Record<string, unknown>): Record<string, unknown>;
}

/**
 * Every step, oldest first; step `i` migrates version `i`. Version 0 is the document as forcewatch
 * wrote it before the schema was versioned: the version-1 shape without `version`. Version 2 adds
 * `risk` (risk alerts, issue 12); version 3 adds `account` (the store's owner, issue 13: null, so the
 * first account to open it claims it) and `digest` (the daily digest).
 */
const STEPS: readonly MigrationStep[] = [
  { from: 0, change: 'records the schema version', up: (document) => ({ ...document, version: 1 }) },
  {
    from: 1,
    change: 'adds the risk state (no risk level active, the early warning armed, no risk alerts waiting)',
    up: (document) => ({ ...document, version: 2, risk: newRiskState() }),
  },
  {
    from: 2,
    change: 'adds the owning account (none yet: the first account to open the store claims it) and the daily digest state (no digest sent)',
    up: (document) => ({ ...document, version: 3, account: null, digest: newDigestState() }),
  },
];

/**
 * The schema version a parsed store declares: 0 for an object without `version` (written before
 * versioning), undefined when it is not an object or its `version` is not a whole number (then the
 * shape check names the problem).
 */
export function storeSchemaVersion(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const version = (value as { version?: unknown }).version;
  if (version === undefined) return 0;
  return Number.isSafeInteger(version) && (version as number) >= 0 ? (version as number) : undefined;
}

/** A document brought up to the current schema, with what was done. */
export interface MigratedDocument {
  document: unknown;
  /** Version the document had; equal to `STORE_SCHEMA_VERSION` when nothing was done. */
  from: number;
  /** One line per step applied, oldest first. */
  changes: string[];
}

/**
 * Applies every step from `from` up to `STORE_SCHEMA_VERSION`, in memory; the input is not changed.
 * Throws RangeError for a version newer than this build or one no step starts from.
 */
export function migrateStoreDocument(value: Record<string, unknown>, from: number): MigratedDocument {
  if (from > STORE_SCHEMA_VERSION) throw new RangeError(`store schema version ${from} is newer than this build's ${STORE_SCHEMA_VERSION}`);
  let document = value;
  const changes: string[] = [];
  for (let version = from; version < STORE_SCHEMA_VERSION; version += 1) {
    const step = STEPS[version];
    if (step?.from !== version) throw new RangeError(`no migration from store schema version ${version}`);
    document = step.up(document);
    changes.push(`v${version} -> v${version + 1}: ${step.change}`);
  }
  return { document, from, changes };
}

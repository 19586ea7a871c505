import { stat } from 'node:fs/promises';
import { Low, type Adapter } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { silentLogger, type Logger } from '../ops/logger.js';
import { backupStoreFile } from './backupStoreFile.js';
import { migrateStoreDocument, storeSchemaVersion } from './migrateStoreDocument.js';
import { newStoreDocument, STORE_SCHEMA_VERSION, storeDocumentProblem, type StoreDocument } from './StoreDocument.js';
import { StoreOpenError } from './StoreOpenError.js';
import { StoreVersionError } from './StoreVersionError.js';
import { StoreWriteError } from './StoreWriteError.js';

/** Options of `StateStore.open`. */
export interface StateStoreOptions {
  /** The JSON file holding the document. */
  path: string;
  /** Where `alertFrom` and the first watermark start when the file does not exist yet (ms). */
  createAt: number;
  /** Replaces the JSON file adapter (tests inject a failing one); default `new JSONFile(path)`. */
  adapter?: Adapter<StoreDocument>;
  /** Says when an older store was migrated; default silent. */
  logger?: Logger;
}

/** What `open` did to a store written with an older schema. */
export interface StoreMigration {
  from: number;
  to: number;
  /** The copy of the file as it was before the migration. */
  backup: string;
}

/**
 * The bot's durable state: one lowdb document, read once at start and rewritten whole on each update.
 * Updates are serialised, and each one is all-or-nothing in memory: lowdb mutates `db.data` before it
 * writes, so a failed write restores the snapshot taken before the change.
 */
export class StateStore {
  private readonly db: Low<StoreDocument>;
  private readonly path: string;
  private queue: Promise<unknown> = Promise.resolve();
  /** Set when `open` migrated an older store. */
  readonly migration: StoreMigration | undefined;

  private constructor(db: Low<StoreDocument>, path: string, migration?: StoreMigration) {
    this.db = db;
    this.path = path;
    this.migration = migration;
  }

  /**
   * Reads the store, or creates it when the file does not exist (and writes it at once, so an
   * unwritable directory stops start-up instead of the first poll). A corrupt or unreadable file
   * throws `StoreOpenError` and is never overwritten. A store from an older schema is migrated and
   * written back, after a copy of it is saved as `<file>.v<old>.bak`; a newer one throws
   * `StoreVersionError` and is left untouched.
   */
  static async open(options: StateStoreOptions): Promise<StateStore> {
    const defaults = newStoreDocument(options.createAt);
    const db = new Low<StoreDocument>(options.adapter ?? new JSONFile<StoreDocument>(options.path), defaults);
    const existed = await fileExists(options.path);
    try {
      await db.read();
    } catch (error) {
      throw new StoreOpenError(options.path, describeReadFailure(error), { cause: error });
    }
    // lowdb keeps the defaults when the file parses to a falsy value (`null`, `0`): that is corrupt too.
    if (existed && db.data === defaults) throw new StoreOpenError(options.path, 'it holds no document');
    const version = storeSchemaVersion(db.data);
    if (version !== undefined && version > STORE_SCHEMA_VERSION) throw new StoreVersionError(options.path, version, STORE_SCHEMA_VERSION);
    const older = version !== undefined && version < STORE_SCHEMA_VERSION;
    const migrated = older ? migrateStoreDocument(db.data as unknown as Record<string, unknown>, version) : undefined;
    if (migrated) db.data = migrated.document as StoreDocument;
    // Validated before anything is written, so a store that cannot be migrated stays as it was.
    const problem = storeDocumentProblem(db.data);
    if (problem) throw new StoreOpenError(options.path, problem);
    const migration = migrated && { from: migrated.from, to: STORE_SCHEMA_VERSION, backup: await backupBeforeMigrating(options.path, migrated.from) };
    const store = new StateStore(db, options.path, migration);
    if (!existed || db.data === defaults || migration) await store.update(() => {});
    if (migrated) {
      (options.logger ?? silentLogger).warn('migrated the store to the current schema; the old file is kept as a backup', { ...migration, changes: migrated.changes });
    }
    return store;
  }

  /** The current document; change it only through `update`. */
  get data(): Readonly<StoreDocument> {
    return this.db.data;
  }

  /** The store file. */
  get file(): string {
    return this.path;
  }

  /**
   * Applies `mutate` and writes the document. Resolves once the file holds the change; on failure the
   * in-memory document is as it was before and the promise rejects with `StoreWriteError`.
   */
  update(mutate: (draft: StoreDocument) => void): Promise<void> {
    const run = this.queue.then(async () => {
      const before = structuredClone(this.db.data);
      try {
        mutate(this.db.data);
      } catch (error) {
        this.db.data = before;
        throw error;
      }
      try {
        await this.db.write();
      } catch (error) {
        this.db.data = before;
        throw new StoreWriteError(this.path, { cause: error });
      }
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /** Resolves once every update queued so far has been written (or has failed). */
  flush(): Promise<void> {
    return this.queue.then(() => {});
  }
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return false;
    throw new StoreOpenError(path, describeReadFailure(error), { cause: error });
  }
}

async function backupBeforeMigrating(path: string, version: number): Promise<string> {
  try {
    return await backupStoreFile(path, version);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new StoreOpenError(
      path,
      `it has schema version ${version} and must be migrated, but its backup copy could not be written (${typeof code === 'string' ? code : String(error)}); make the store's directory writable by this user`,
      { cause: error },
    );
  }
}

function describeReadFailure(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') return `it is not readable by this user (${String(code)})`;
  if (error instanceof SyntaxError) return `it is not valid JSON (${error.message})`;
  return error instanceof Error ? error.message : String(error);
}

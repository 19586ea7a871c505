import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type Adapter, Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { errorCode, errorMessage } from '../errorCode.js';
import { isFencedOut } from '../ha/Fence.js';
import { type Logger, silentLogger } from '../ops/logger.js';
import { SerialQueue } from '../SerialQueue.js';
import { backupStoreFile } from './backupStoreFile.js';
import { StoreAccountError, StoreOpenError, StoreVersionError, StoreWriteError } from './errors.js';
import { migrateStoreDocument, storeSchemaVersion } from './migrateStoreDocument.js';
import { tightenToPrivate, writePrivateFileAtomically } from './privateFiles.js';
import {
  type KeyedOutboxEntry,
  newStoreDocument,
  type OutboxEntry,
  STORE_SCHEMA_VERSION,
  type StoreDocument,
  storeDocumentProblem,
} from './StoreDocument.js';
import { textChunks } from './textChunks.js';

/**
 * A place other than a JSON file that holds the document (Redis, for high availability): the
 * file-only steps of `open` (does it exist, make it private, back it up) ask it instead.
 */
export interface StoreLocation extends Adapter<StoreDocument> {
  /** Whether a document is there; throws what refuses the store before it is read (a newer schema). */
  exists(): Promise<boolean>;
  /** Keeps a copy of the document as it is before a migration from `version`; resolves with where. */
  backup(version: number): Promise<string>;
}

/** Options of `StateStore.open`. */
export interface StateStoreOptions {
  /** The JSON file holding the document; with `location`, the name messages give the store. */
  path: string;
  /** Where the document lives when it is not the file at `path`; default that file. */
  location?: StoreLocation;
  /** Where `alertFrom` and the first watermark start when the file does not exist yet (ms). */
  createAt: number;
  /** Replaces the JSON file adapter (tests inject a failing one); default `compactJsonFile(path)`. */
  adapter?: Adapter<StoreDocument>;
  /** Says when an older store was migrated or a store file made private; default silent. */
  logger?: Logger;
  /**
   * The account (`AccountConfig.name`) opening the store: a store no account has claimed yet (new, or
   * migrated from version 2) is claimed by it; one another account claimed is refused
   * (`StoreAccountError`). Undefined: the store's owner is neither checked nor set.
   */
  account?: string;
}

/** What `open` did to a store written with an older schema. */
export interface StoreMigration {
  from: number;
  to: number;
  /** The copy of the file as it was before the migration. */
  backup: string;
}

/**
 * The store file as compact JSON: lowdb's `JSONFile` pretty-prints, which made a 10,000-alert outbox
 * 7.4 MB instead of 4.8 MB and cost a third more to write. Read by lowdb's `DataFile`; written the way
 * its writer (steno) does, a temp file then a rename, but with the temp file made 0600 first: steno's
 * came out 0644 under umask 022, and the rename gave the store that mode. Written in chunks
 * (`storeDocumentChunks`): the whole text as one string, and its UTF-8 as one buffer, took two copies of
 * the outbox on every write of a cascade (bench "memory"). A pretty file from an older build reads the same.
 */
export function compactJsonFile(path: string): Adapter<StoreDocument> {
  const file = new DataFile<StoreDocument>(path, { parse: JSON.parse, stringify: stringifyStoreDocument });
  return { read: () => file.read(), write: (doc) => writePrivateFileAtomically(path, storeDocumentChunks(doc)) };
}

/** JSON text of frozen objects already serialised; weak, so it goes with the entries it describes. */
const frozenJson = new WeakMap<object, string>();

/**
 * `JSON.stringify(doc)`, the same text, reusing the text of the frozen parts (`seen`, each outbox entry)
 * that earlier writes already serialised. Every update rewrites the whole file, so a cascade's outbox
 * was serialised again for each group's attempt marker and delivery record: 10,000 alerts took 20 ms a
 * write that way, 7 ms with this. The text of an entry keeps its order as it was queued.
 */
export function stringifyStoreDocument(doc: StoreDocument): string {
  return [...storeDocumentPieces(doc)].join('');
}

/** The text of `stringifyStoreDocument(doc)` in chunks of about `WRITE_CHUNK_CHARS`, made as they are read. */
function storeDocumentChunks(doc: StoreDocument): Generator<string> {
  return textChunks(storeDocumentPieces(doc));
}

/** The pieces of the document's JSON text, in order: each outbox entry's text is one piece. */
function* storeDocumentPieces(doc: StoreDocument): Generator<string> {
  yield '{';
  let first = true;
  for (const [key, value] of Object.entries(doc)) {
    if (value === undefined) continue;
    yield `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    if (key === 'outbox') {
      yield '[';
      for (const [i, entry] of doc.outbox.entries()) {
        if (i > 0) yield ',';
        yield frozenJsonOf(entry);
      }
      yield ']';
    } else {
      yield frozenJsonOf(value);
    }
  }
  yield '}';
}

function frozenJsonOf(value: unknown): string {
  if (typeof value !== 'object' || value === null || !Object.isFrozen(value)) return JSON.stringify(value);
  let text = frozenJson.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    frozenJson.set(value, text);
  }
  return text;
}

/**
 * The bot's durable state: one lowdb document, read once at start and rewritten whole on each update.
 * Updates are serialised, and each one is all-or-nothing: it changes a draft, and the draft becomes
 * `data` only once the file holds it. So readers never see a change the file may not get (a worker
 * picking up alerts whose commit is still being written, then failing), and a failed write needs no
 * rollback copy: the committed document was never touched. Copying the whole document before every
 * update instead (`structuredClone`) took most of the pipeline's time in a 10,000-order cascade.
 */
export class StateStore {
  private readonly db: Low<StoreDocument>;
  private readonly path: string;
  /** What the file holds: frozen, replaced whole by each successful update. */
  private committed: StoreDocument;
  /** Updates, one at a time: each draft starts from the document the previous update committed. */
  private readonly updates = new SerialQueue();
  /** Set when `open` migrated an older store. */
  readonly migration: StoreMigration | undefined;

  private constructor(db: Low<StoreDocument>, path: string, migration?: StoreMigration) {
    this.db = db;
    this.path = path;
    this.committed = freezeDocument(db.data);
    this.migration = migration;
  }

  /**
   * Reads the store, or creates it when the file does not exist (and writes it at once, so an
   * unwritable directory stops start-up instead of the first poll). A corrupt or unreadable file
   * throws `StoreOpenError` and is never overwritten. A store from an older schema is migrated and
   * written back, after a copy of it is saved as `<file>.v<old>.bak`; a newer one throws
   * `StoreVersionError` and is left untouched. A store another account owns throws `StoreAccountError`,
   * untouched; an unclaimed one is claimed by `options.account`. The store, its backups and a leftover temp file that
   * others may read are made private (0600) first, with a warning naming each.
   */
  static async open(options: StateStoreOptions): Promise<StateStore> {
    const defaults = newStoreDocument(options.createAt, options.account ?? null);
    const location = options.location;
    const db = new Low<StoreDocument>(location ?? options.adapter ?? compactJsonFile(options.path), defaults);
    const existed = location ? await location.exists() : await fileExists(options.path);
    if (!location) await makeStoreFilesPrivate(options.path, options.logger ?? silentLogger);
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
    const owner = db.data.account;
    if (options.account !== undefined && owner !== null && owner !== options.account) {
      throw new StoreAccountError(options.path, owner, options.account);
    }
    const claim = options.account !== undefined && owner === null;
    const migration = migrated && {
      from: migrated.from,
      to: STORE_SCHEMA_VERSION,
      backup: await (location ? location.backup(migrated.from) : backupBeforeMigrating(options.path, migrated.from)),
    };
    const store = new StateStore(db, options.path, migration);
    if (!existed || db.data === defaults || migration || claim) {
      await store.update((draft) => {
        if (claim) draft.account = options.account ?? null;
      });
    }
    if (migrated) {
      (options.logger ?? silentLogger).warn('migrated the store to the current schema; the old file is kept as a backup', {
        ...migration,
        changes: migrated.changes,
      });
    }
    return store;
  }

  /** The document the file holds (frozen); change it only through `update`. */
  get data(): Readonly<StoreDocument> {
    return this.committed;
  }

  /** The store file. */
  get file(): string {
    return this.path;
  }

  /**
   * Applies `mutate` to a draft and writes it; resolves once the file holds the change, and only then
   * does `data` show it. On failure `data` is as it was and the promise rejects (`StoreWriteError` when
   * the write failed, `FencedOutError` when a Redis store's lease moved on). The draft is a shallow
   * copy whose `outbox` and `symbols` lists are its own to change; `seen` and the outbox entries are the committed ones, frozen: replace them, never change
   * them (a change throws). Copying those too would cost milliseconds per update in a cascade.
   */
  update(mutate: (draft: StoreDocument) => void): Promise<void> {
    return this.updates.run(async () => {
      const draft: StoreDocument = { ...this.committed, outbox: [...this.committed.outbox], symbols: [...this.committed.symbols] };
      mutate(draft);
      // Frozen before the write: the draft never changes again, and its new entries' text is cached.
      this.db.data = freezeDocument(draft);
      try {
        await this.db.write();
      } catch (error) {
        this.db.data = this.committed;
        // Not a failed write but a refusal: another instance leads this account, and its pipeline must stop.
        if (isFencedOut(error)) throw error;
        throw new StoreWriteError(this.path, { cause: error });
      }
      this.committed = draft;
    });
  }

  /** Resolves once every update queued so far has been written (or has failed). */
  flush(): Promise<void> {
    return this.updates.idle();
  }
}

/**
 * Freezes `doc` and what a draft shares with it, so a change that skips the draft throws instead of
 * reaching what the file holds (or a cached text going stale). Entries already frozen are skipped: each
 * update freezes only its new ones. Orders are left alone: sinks get them too, and nothing changes them.
 */
function freezeDocument(doc: StoreDocument): StoreDocument {
  for (const entry of doc.outbox) freezeEntry(entry);
  Object.freeze(doc.outbox);
  Object.freeze(doc.symbols);
  Object.freeze(doc.seen);
  freezeRiskState(doc.risk);
  freezeDigestState(doc.digest);
  return Object.freeze(doc);
}

/** Freezes an outbox entry (a force order's, a risk alert's or a digest's) with its delivery records, unless it is already. */
function freezeEntry(entry: OutboxEntry | KeyedOutboxEntry): void {
  if (Object.isFrozen(entry)) return;
  Object.freeze(entry.deliveredTo);
  if (entry.attempts) for (const attempt of Object.values(Object.freeze(entry.attempts))) Object.freeze(attempt);
  Object.freeze(entry);
}

/** Freezes the risk state as `freezeDocument` does the outbox: the monitor replaces it whole, never changes it. */
function freezeRiskState(risk: StoreDocument['risk']): void {
  if (Object.isFrozen(risk)) return;
  for (const entry of risk.outbox) freezeEntry(entry);
  Object.freeze(risk.outbox);
  Object.freeze(risk.lastEvent);
  Object.freeze(risk);
}

/** Freezes the digest state as the risk state: the digest replaces it whole, never changes it. */
function freezeDigestState(digest: StoreDocument['digest']): void {
  if (Object.isFrozen(digest)) return;
  for (const entry of digest.outbox) freezeEntry(entry);
  Object.freeze(digest.outbox);
  for (const low of digest.uniMmrLows) Object.freeze(low);
  Object.freeze(digest.uniMmrLows);
  Object.freeze(digest);
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw new StoreOpenError(path, describeReadFailure(error), { cause: error });
  }
}

/** The store file, its `<file>.v<N>[.<time>].bak` backups and lowdb's `.<file>.tmp`, made 0600 where they are not. */
async function makeStoreFilesPrivate(path: string, logger: Logger): Promise<void> {
  const name = basename(path);
  try {
    const siblings = await readdir(dirname(path)).catch((error: unknown) => {
      if (errorCode(error) === 'ENOENT') return []; // no directory yet: nothing to make private
      throw error;
    });
    const ours = siblings.filter((file) => file === `.${name}.tmp` || (file.startsWith(`${name}.v`) && file.endsWith('.bak')));
    await tightenToPrivate([path, ...ours.map((file) => join(dirname(path), file))], logger);
  } catch (error) {
    throw new StoreOpenError(path, describeReadFailure(error), { cause: error });
  }
}

async function backupBeforeMigrating(path: string, version: number): Promise<string> {
  try {
    return await backupStoreFile(path, version);
  } catch (error) {
    const code = errorCode(error);
    throw new StoreOpenError(
      path,
      `it has schema version ${version} and must be migrated, but its backup copy could not be written (${typeof code === 'string' ? code : String(error)}); make the store's directory writable by this user`,
      { cause: error },
    );
  }
}

function describeReadFailure(error: unknown): string {
  const code = errorCode(error);
  if (code === 'EACCES' || code === 'EPERM') return `it is not readable by this user (${String(code)})`;
  if (error instanceof SyntaxError) return `it is not valid JSON (${error.message})`;
  return errorMessage(error);
}

import { stat } from 'node:fs/promises';
import { Low, type Adapter } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { newStoreDocument, storeDocumentProblem, type StoreDocument } from './StoreDocument.js';
import { StoreOpenError } from './StoreOpenError.js';
import { StoreWriteError } from './StoreWriteError.js';

/** Options of `StateStore.open`. */
export interface StateStoreOptions {
  /** The JSON file holding the document. */
  path: string;
  /** Where `alertFrom` and the first watermark start when the file does not exist yet (ms). */
  createAt: number;
  /** Replaces the JSON file adapter (tests inject a failing one); default `new JSONFile(path)`. */
  adapter?: Adapter<StoreDocument>;
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

  private constructor(db: Low<StoreDocument>, path: string) {
    this.db = db;
    this.path = path;
  }

  /**
   * Reads the store, or creates it when the file does not exist (and writes it at once, so an
   * unwritable directory stops start-up instead of the first poll). A corrupt or unreadable file
   * throws `StoreOpenError` and is never overwritten.
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
    const problem = storeDocumentProblem(db.data);
    if (problem) throw new StoreOpenError(options.path, problem);
    const store = new StateStore(db, options.path);
    if (!existed || db.data === defaults) await store.update(() => {});
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

function describeReadFailure(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') return `it is not readable by this user (${String(code)})`;
  if (error instanceof SyntaxError) return `it is not valid JSON (${error.message})`;
  return error instanceof Error ? error.message : String(error);
}

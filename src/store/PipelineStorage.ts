import { dirname } from 'node:path';
import type { ForceOrder } from '../binance/types.js';
import type { Logger } from '../ops/logger.js';
import type { ArchiveReader } from '../queries.js';
import { StoreWriteError } from './errors.js';
import { ForceOrderArchive } from './ForceOrderArchive.js';
import { ProcessLock } from './ProcessLock.js';
import { createPrivateDirectory } from './privateFiles.js';
import { StateStore } from './StateStore.js';

/** The archive as the pipeline, the digest and the commands use it: the JSON-lines file or Redis. */
export interface PipelineArchive extends ArchiveReader {
  /** Records `orders`; an order already there is kept once. */
  append(orders: readonly ForceOrder[]): Promise<void>;
  /** Start-up repair of what a crash may have left (a torn last line); nothing to do where writes are atomic. */
  repairTail(): Promise<void>;
  /** Drops orders older than the archive keeps (ARCHIVE_DAYS). */
  compact(): Promise<{ dropped: number }>;
}

/** What `PipelineStorage.open` needs to know. */
export interface StorageOpenOptions {
  /** Where `alertFrom` and the first watermark start when there is no store yet (ms). */
  createAt: number;
  /** The account opening the store (see `StateStoreOptions.account`). */
  account?: string;
  logger: Logger;
  now: () => number;
}

/** The state store of a started pipeline, and how to give back what opening it took (a lock). */
export interface OpenedStorage {
  store: StateStore;
  /** Releases what `open` took; called once, after the pipeline's last write. */
  release(): Promise<void>;
}

/**
 * Where a pipeline keeps its account's state and archive: files on one host (`fileStorage`, the
 * default), or Redis, shared by several instances (src/ha). The pipeline knows only this port.
 */
export interface PipelineStorage {
  /** The archive; commands read it before the pipeline starts, so it exists from construction. */
  readonly archive: PipelineArchive;
  /** Makes this process the account's only writer (a lock file, or a lease checked by every write) and opens the state store. */
  open(options: StorageOpenOptions): Promise<OpenedStorage>;
}

/** Options of `fileStorage`. */
export interface FileStorageOptions {
  /** The lowdb JSON file; the lock sits beside it (`<storePath>.lock`). */
  storePath: string;
  /** Default `<storePath>.archive.jsonl`. */
  archivePath?: string;
  /** Days of orders the archive keeps; default 90. */
  archiveDays?: number;
  now: () => number;
  logger: Logger;
}

/** One host's storage: a process lock on `<store>.lock`, the lowdb store file and the JSON-lines archive. */
export function fileStorage(options: FileStorageOptions): PipelineStorage {
  const { storePath, logger, now } = options;
  const archive = new ForceOrderArchive({
    path: options.archivePath ?? `${storePath}.archive.jsonl`,
    archiveDays: options.archiveDays,
    now,
    logger,
  });
  return {
    archive,
    async open(open) {
      // A fresh install has no ./data yet; creating it is the obvious intent of FORCEWATCH_DB.
      await createPrivateDirectory(dirname(storePath)).catch((cause: unknown) => {
        throw new StoreWriteError(storePath, { cause });
      });
      const lock = await ProcessLock.acquire({ path: `${storePath}.lock`, logger: open.logger, now: open.now });
      try {
        const store = await StateStore.open({ path: storePath, createAt: open.createAt, logger: open.logger, account: open.account });
        return { store, release: () => lock.release() };
      } catch (error) {
        await lock.release();
        throw error;
      }
    },
  };
}

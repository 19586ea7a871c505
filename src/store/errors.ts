/**
 * The store's errors: the state file (open, schema version, owning account, write) and the process lock (held, file).
 * Each names its file and what a person should do; only `StoreWriteError` can mend itself.
 */

import { errorCode, errorMessage } from '../errorCode.js';

/** What every store error carries: the file it is about and whether trying again can help. */
abstract class StoreFileError extends Error {
  /** Whether trying again, unchanged, can succeed. */
  abstract readonly retryable: boolean;
  /** The store or lock file. */
  readonly file: string;

  protected constructor(file: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.file = file;
  }
}

/** The store file exists but cannot be read or parsed: start-up stops and the file is left untouched. */
export class StoreOpenError extends StoreFileError {
  override readonly name = 'StoreOpenError';
  /** A bad file does not mend itself: a person has to restore or move it. */
  readonly retryable = false;

  constructor(file: string, problem: string, options: { cause?: unknown } = {}) {
    super(
      file,
      `cannot open the forcewatch store ${file}: ${problem}. The file was left untouched. ` +
        'Restore it from a backup, or move it aside to start fresh; starting fresh forgets the watermark ' +
        '(force orders from before the restart are not alerted) and the alerts still waiting for delivery.',
      { cause: options.cause },
    );
  }
}

/** The store was written by a newer forcewatch whose schema this build cannot read: start-up stops, the file is untouched. */
export class StoreVersionError extends StoreFileError {
  override readonly name = 'StoreVersionError';
  /** Only an upgrade or a restored backup helps. */
  readonly retryable = false;
  /** Schema version found in the file. */
  readonly found: number;
  /** Newest schema version this build reads. */
  readonly supported: number;

  constructor(file: string, found: number, supported: number) {
    super(
      file,
      `the forcewatch store ${file} has schema version ${found}, written by a newer forcewatch; this build reads up to ` +
        `version ${supported}. The file was left untouched. Upgrade forcewatch to the release that wrote it, or stop ` +
        `and restore the backup that upgrade made (${file}.v${supported}.bak) to run this older release.`,
    );
    this.found = found;
    this.supported = supported;
  }
}

/** The store belongs to another account: each account keeps its own store, so start-up stops and the file is untouched. */
export class StoreAccountError extends StoreFileError {
  override readonly name = 'StoreAccountError';
  /** Only a change of configuration helps. */
  readonly retryable = false;
  /** The account the file says it belongs to. */
  readonly owner: string;
  /** The account that tried to open it. */
  readonly account: string;

  constructor(file: string, owner: string, account: string) {
    super(
      file,
      `the forcewatch store ${file} belongs to account "${owner}", not "${account}"; each account keeps its own store ` +
        `(its watermark, outbox and digest). The file was left untouched. Give account "${account}" a store path of its ` +
        `own, or, if "${owner}" was renamed to "${account}", set the store's "account" field to "${account}" while forcewatch is stopped.`,
    );
    this.owner = owner;
    this.account = account;
  }
}

/** Writing the store failed; the in-memory state was rolled back, so nothing believes it advanced. */
export class StoreWriteError extends StoreFileError {
  override readonly name = 'StoreWriteError';
  /** A full disk or a fixed permission can recover; the next poll tries again. */
  readonly retryable = true;

  constructor(file: string, options: { cause?: unknown }) {
    super(file, `could not write the forcewatch store ${file}: ${describeFsFailure(options.cause)}`, { cause: options.cause });
  }
}

/** Another live forcewatch process holds the store's lock: two bots on one store would double-alert. */
export class LockHeldError extends StoreFileError {
  override readonly name = 'LockHeldError';
  /** Waiting does not help by itself: the other process has to stop first. */
  readonly retryable = false;
  /** The pid written in the lock file. */
  readonly pid: number;

  constructor(file: string, holder: { pid: number; startedAt: number }) {
    super(
      file,
      `another forcewatch (pid ${holder.pid}, started ${new Date(holder.startedAt).toISOString()}) is using this store ` +
        `(lock ${file}). Stop that process first, or point this one at another store. If pid ${holder.pid} is not ` +
        'forcewatch (its pid was reused), delete the lock file and start again.',
    );
    this.pid = holder.pid;
  }
}

/** The lock file could not be created or read (not because another bot holds it: see `LockHeldError`). */
export class LockFileError extends StoreFileError {
  override readonly name = 'LockFileError';
  /** The file system has to be fixed first. */
  readonly retryable = false;

  constructor(file: string, options: { cause?: unknown }) {
    super(file, `could not take the store lock ${file}: ${describeFsFailure(options.cause)}`, { cause: options.cause });
  }
}

/** Turns a file-system error code into what a person should check, for store and lock errors. */
function describeFsFailure(cause: unknown): string {
  const code = errorCode(cause);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `permission denied (${String(code)}): make the store's directory writable by this user`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `disk full (${String(code)}): free space on the store's disk`;
    case 'ENOENT':
      return "the store's directory no longer exists (ENOENT): create it, or point FORCEWATCH_DB elsewhere";
    case 'ENOTDIR':
    case 'EISDIR':
    case 'EEXIST':
      return `a file stands where a directory should be, or the other way round (${String(code)}): check FORCEWATCH_DB and its directory`;
    default:
      return errorMessage(cause);
  }
}

/** Another live forcewatch process holds the store's lock: two bots on one store would double-alert. */
export class LockHeldError extends Error {
  override readonly name = 'LockHeldError';
  /** Waiting does not help by itself: the other process has to stop first. */
  readonly retryable = false;
  /** The lock file. */
  readonly file: string;
  /** The pid written in the lock file. */
  readonly pid: number;

  constructor(file: string, holder: { pid: number; startedAt: number }) {
    super(
      `another forcewatch (pid ${holder.pid}, started ${new Date(holder.startedAt).toISOString()}) is using this store ` +
        `(lock ${file}). Stop that process first, or point this one at another store. If pid ${holder.pid} is not ` +
        'forcewatch (its pid was reused), delete the lock file and start again.',
    );
    this.file = file;
    this.pid = holder.pid;
  }
}

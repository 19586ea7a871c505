/**
 * Settles as `work` does, or rejects with the signal's reason as soon as `signal` aborts, for work that
 * takes no signal of its own (Bolt's start, discord.js's login, a WebClient call). The work itself
 * goes on; its later failure is observed here, so it never becomes an unhandled rejection.
 */
export function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  work.catch(() => {});
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

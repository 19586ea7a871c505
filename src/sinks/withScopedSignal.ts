/**
 * Runs `task` with a signal that aborts when `parent` does but belongs to this task alone, and is
 * unhooked from `parent` when the task settles. Some clients (discord.js's REST) add an `abort`
 * listener per request and never remove it: handed the pipeline's long-lived stop signal directly,
 * they would pile up two listeners per alert for the bot's whole life.
 */
export async function withScopedSignal<T>(
  parent: AbortSignal | undefined,
  task: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  if (!parent) return task(undefined);
  const scope = new AbortController();
  const forward = () => scope.abort(parent.reason);
  if (parent.aborted) forward();
  else parent.addEventListener('abort', forward, { once: true });
  try {
    return await task(scope.signal);
  } finally {
    parent.removeEventListener('abort', forward);
  }
}

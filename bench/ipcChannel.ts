import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** A request to a child process and its answer, over Node's IPC channel. */
interface IpcRequest {
  id: number;
  op: string;
  payload: unknown;
}
interface IpcReply {
  id: number;
  value?: unknown;
  error?: string;
}

/** What a child process answers: one async handler per operation. */
export type IpcHandlers = Record<string, (payload: never) => Promise<unknown>>;

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The parent's end of a forked TypeScript module (run through tsx) that serves `IpcHandlers`. */
export class ChildChannel {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private readonly exited: Promise<unknown>;

  private constructor(child: ChildProcess) {
    this.child = child;
    this.exited = once(child, 'exit');
    child.on('message', (reply: IpcReply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.error !== undefined) waiter?.reject(new Error(reply.error));
      else waiter?.resolve(reply.value);
    });
    child.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`child process exited (${code})`));
      this.pending.clear();
    });
  }

  /**
   * Forks `module` (a path relative to the repository root) under tsx. `cpuProfDir` adds
   * `--cpu-prof`, so the child writes a V8 profile there when it exits.
   */
  static open(module: string, options: { cpuProfDir?: string } = {}): ChildChannel {
    const profile = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
    const child = fork(module, [], { cwd: REPO_ROOT, execArgv: ['--import', 'tsx', ...profile], stdio: 'inherit' });
    return new ChildChannel(child);
  }

  /** Sends `op` and resolves with the child's answer (rejects with its error message). */
  request<T>(op: string, payload: unknown = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, op, payload } satisfies IpcRequest);
    });
  }

  /** Disconnects (the child cleans up and exits) and waits for the exit. */
  async close(): Promise<void> {
    if (this.child.connected) this.child.disconnect();
    if (this.child.exitCode === null && this.child.signalCode === null) await this.exited;
  }
}

/** The child's end: answers the parent's requests with `handlers`, and runs `cleanup` when the parent lets go. */
export function serveIpc(handlers: IpcHandlers, cleanup: () => Promise<void> = async () => {}): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('this module runs as a child process of the benchmark (npm run bench)');
  process.on('message', (request: IpcRequest) => {
    const handler = handlers[request.op];
    const answer = handler ? handler(request.payload as never) : Promise.reject(new Error(`unknown operation ${request.op}`));
    answer.then(
      (value) => send({ id: request.id, value } satisfies IpcReply),
      (error: unknown) => send({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies IpcReply),
    );
  });
  process.once('disconnect', () => {
    void cleanup().finally(() => process.exit(0));
  });
}

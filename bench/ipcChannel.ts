import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
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

/**
 * How a benchmark process runs: `node` on the compiled JavaScript (`bench/tsconfig.json` into
 * `dist/bench/`), as production runs the bot, or `tsx` on the TypeScript sources (`npm start`).
 */
export type BenchRuntime = 'node' | 'tsx';

/** Where `bench/tsconfig.json` puts the compiled benchmark, relative to the repository root. */
const COMPILED_BENCH_DIR = 'dist/bench';

/** This process's own runtime: its modules are the compiled `.js` files or the `.ts` sources. */
const CURRENT_RUNTIME: BenchRuntime = import.meta.url.endsWith('.js') ? 'node' : 'tsx';

/** The repository root: two levels further up from the compiled copy (`dist/bench/bench/`). */
const REPO_ROOT = fileURLToPath(new URL(CURRENT_RUNTIME === 'node' ? '../../..' : '..', import.meta.url));

/** The parent's end of a forked benchmark module (compiled, or TypeScript under tsx) that serves `IpcHandlers`. */
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
   * Forks the benchmark module `name` (`bench/<name>`) on `runtime`, default this process's own.
   * `cpuProfDir` adds `--cpu-prof`, so the child writes a V8 profile there when it exits.
   */
  static open(name: string, options: { runtime?: BenchRuntime; cpuProfDir?: string } = {}): ChildChannel {
    const runtime = options.runtime ?? CURRENT_RUNTIME;
    const profile = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
    const module = runtime === 'node' ? join(REPO_ROOT, COMPILED_BENCH_DIR, 'bench', `${name}.js`) : join(REPO_ROOT, 'bench', `${name}.ts`);
    const loader = runtime === 'tsx' ? ['--import', 'tsx'] : [];
    const child = fork(module, [], { cwd: REPO_ROOT, execArgv: [...loader, ...profile], stdio: 'inherit' });
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

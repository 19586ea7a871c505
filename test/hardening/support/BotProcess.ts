import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/** One structured log line the bot printed (LOG_FORMAT=json). */
export type LogLine = Record<string, unknown> & { msg?: string; level?: string };

/** How to start the bot as a child process. */
export interface BotProcessOptions {
  /** The whole environment of the child (PATH is added). */
  env: Record<string, string>;
  /** Node arguments before the script; default runs src/main.ts under tsx. */
  command?: string[];
}

/** The default command: `node --import tsx src/main.ts`, as `npm start` runs it. */
const TSX_MAIN = ['--import', 'tsx', 'src/main.ts'];

/**
 * `src/main.ts` as a real child process, its JSON log lines parsed as they arrive so a test can wait
 * for one (never for time) and then kill the process with a signal.
 */
export class BotProcess {
  /** Every log line so far, parsed; lines that are not JSON are kept as `{ msg: <text> }`. */
  readonly lines: LogLine[] = [];
  /** Everything written to stderr (warnings, errors, crash reports, config errors). */
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private readonly buffers = { stdout: '', stderr: '' };
  private readonly waiters = new Set<() => void>();

  constructor(options: BotProcessOptions) {
    this.child = spawn(process.execPath, options.command ?? TSX_MAIN, {
      env: { PATH: process.env.PATH ?? '', ...options.env },
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
    // The logger writes info to stdout and warn/error to stderr: both are parsed into `lines`.
    this.child.stdout?.on('data', (chunk: Buffer) => this.onData('stdout', chunk.toString('utf8')));
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
      this.onData('stderr', chunk.toString('utf8'));
    });
    void this.exited.then(() => this.wake());
  }

  /** The child's pid. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True until the process has exited. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first line (from the start) that `match` accepts; rejects if the process exits first. */
  async waitForLine(match: (line: LogLine) => boolean): Promise<LogLine> {
    for (;;) {
      const found = this.lines.find(match);
      if (found) return found;
      if (!this.alive) throw new Error(`the bot exited before the awaited line:\n${this.stderr}\n${this.tail()}`);
      await new Promise<void>((resolve) => this.waiters.add(resolve));
    }
  }

  /** Sends SIGKILL (no clean-up runs in the child) and resolves once it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.alive) this.child.kill(signal);
    await this.exited;
  }

  /** The last log lines, for failure messages. */
  tail(count = 15): string {
    return this.lines
      .slice(-count)
      .map((l) => JSON.stringify(l))
      .join('\n');
  }

  private onData(stream: 'stdout' | 'stderr', text: string): void {
    const parts = (this.buffers[stream] + text).split('\n');
    this.buffers[stream] = parts.pop() ?? '';
    for (const part of parts) {
      if (part.trim() === '') continue;
      try {
        this.lines.push(JSON.parse(part) as LogLine);
      } catch {
        this.lines.push({ msg: part });
      }
    }
    this.wake();
  }

  private wake(): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
  }
}

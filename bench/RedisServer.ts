import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** A free TCP port on loopback, from the kernel. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * A real `redis-server` (Debian's package; `.ci/run` installs it) on a free loopback port, without
 * persistence unless asked: what the high-availability tests and the "burst-redis" benchmark run
 * against, never a mock. `restart()` stops and starts it on the same port (with `appendonly` on, the
 * data survives, as a real restart).
 */
export class RedisServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly args: readonly string[],
  ) {}

  /** Starts one; `persist` keeps the data across `restart()` (an append-only file in `dir`). */
  static async start(options: { persist?: { dir: string }; password?: string } = {}): Promise<RedisServer> {
    const port = await freePort();
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      options.persist ? 'yes' : 'no',
      ...(options.persist ? ['--dir', options.persist.dir, '--appendfsync', 'always'] : []),
      ...(options.password ? ['--requirepass', options.password] : []),
    ];
    const server = new RedisServer(port, args);
    await server.spawn();
    return server;
  }

  /** `redis://127.0.0.1:<port>` (with the password when there is one: the caller knows it anyway). */
  url(password?: string): string {
    return password ? `redis://:${encodeURIComponent(password)}@127.0.0.1:${this.port}` : `redis://127.0.0.1:${this.port}`;
  }

  /** Stops it (SIGTERM, waits for the exit). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }

  /** Stops it and starts it again on the same port. */
  async restart(): Promise<void> {
    await this.stop();
    await this.spawn();
  }

  private async spawn(): Promise<void> {
    const child = spawn('redis-server', this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      };
      child.stdout?.on('data', onData);
      child.once('error', (error) =>
        reject(new Error(`could not start redis-server (is Debian's redis-server installed?): ${error.message}`)),
      );
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before it was ready:\n${output.slice(-2000)}`)));
    });
  }
}

import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { appendFile, chmod, type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { classifyForceOrder } from '../binance/parseForceOrders.js';
import { type ForceOrder, orderKey } from '../binance/types.js';
import { errorCode } from '../errorCode.js';
import type { Logger } from '../ops/logger.js';
import type { ArchiveReader } from '../queries.js';
import { SerialQueue } from '../SerialQueue.js';
import { DAY_MS } from '../time.js';
import { PRIVATE_FILE_MODE, tightenToPrivate } from './privateFiles.js';
import { textChunks } from './textChunks.js';

/** What an append needs of a file opened for appending; tests wrap the real one to fail half-way. */
export interface AppendHandle {
  stat(): Promise<{ size: number }>;
  chmod(mode: number): Promise<void>;
  writeFile(data: string, encoding: 'utf8'): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

/** Options of `ForceOrderArchive`. */
export interface ForceOrderArchiveOptions {
  /** The JSON-lines file, conventionally `<store>.archive.jsonl`. */
  path: string;
  /** Days of orders kept by `compact()`; default 90. */
  archiveDays?: number;
  now: () => number;
  logger: Logger;
  /** Opens the archive for appending (created 0600); default `fs.promises.open(path, 'a')`. */
  openForAppend?: (path: string) => Promise<AppendHandle>;
}

/** What one pass over the file found. */
export interface ArchiveScan {
  orders: number;
  duplicates: number;
  badLines: number;
}

/**
 * Every force order the bot has seen, one JSON object a line. Append-only between compactions, so it
 * can grow past what the lowdb document (rewritten whole on every write) could hold. Written before
 * the outbox: a crash in between leaves at most a duplicate line, which readers drop by order key.
 */
export class ForceOrderArchive implements ArchiveReader {
  private readonly path: string;
  private readonly keepMs: number;
  private readonly now: () => number;
  private readonly logger: Logger;
  /** Appends and compactions take turns: a line appended during a compaction would be lost by its rename. */
  private readonly turns = new SerialQueue();
  private readonly openForAppend: (path: string) => Promise<AppendHandle>;
  /**
   * Set when a failed append left part of its text in the file and cutting it off failed too: the next
   * append starts on a new line, so the torn part stays a bad line of its own instead of swallowing it.
   */
  private tornTail = false;

  constructor(options: ForceOrderArchiveOptions) {
    this.path = options.path;
    this.keepMs = (options.archiveDays ?? 90) * DAY_MS;
    this.now = options.now;
    this.logger = options.logger;
    this.openForAppend = options.openForAppend ?? ((path) => open(path, 'a', PRIVATE_FILE_MODE));
  }

  /** The archive file. */
  get file(): string {
    return this.path;
  }

  /**
   * Appends `orders`, one line each, in chunks of about `WRITE_CHUNK_CHARS` (a cascade's lines as one
   * string, and one buffer, were two copies of every order at once). An append that fails part-way (a
   * full disk) is cut back off the file, so the caller's retry appends whole lines: glued onto a torn
   * one, the retried order's only record would be an unreadable line that compaction drops.
   */
  append(orders: readonly ForceOrder[]): Promise<void> {
    if (orders.length === 0) return Promise.resolve();
    return this.turns.run(async () => {
      const handle = await this.openForAppend(this.path);
      try {
        const { size } = await handle.stat();
        if (size === 0) await handle.chmod(PRIVATE_FILE_MODE); // just created: the umask may have widened it
        try {
          // Each writeFile on the handle continues where the previous one ended.
          for (const chunk of textChunks(archiveLines(orders, this.tornTail))) await handle.writeFile(chunk, 'utf8');
          this.tornTail = false;
        } catch (error) {
          // Only our appends write here (they take turns), so `size` is where this one began.
          try {
            await handle.truncate(size);
          } catch {
            this.tornTail = true;
          }
          throw error;
        }
      } finally {
        await handle.close();
      }
    });
  }

  /** Orders with `startTime <= updateTime <= endTime`, each once, streaming the file line by line. */
  async read(window: { startTime: number; endTime: number }): Promise<ForceOrder[]> {
    const found: ForceOrder[] = [];
    const scan = await this.scan((order) => {
      if (order.updateTime >= window.startTime && order.updateTime <= window.endTime) found.push(order);
    });
    if (scan.badLines > 0) this.logger.warn('skipped unreadable archive lines', { file: this.path, badLines: scan.badLines });
    return found;
  }

  /**
   * Drops orders older than `archiveDays` and duplicate lines, writing a temp file and renaming it over
   * the archive so a crash mid-way leaves the old file whole. Also ends a line torn by a crash.
   */
  compact(): Promise<ArchiveScan & { dropped: number }> {
    return this.turns.run(async () => {
      const cutoff = this.now() - this.keepMs;
      const temp = `${this.path}.compact-${process.pid}.tmp`;
      const out = createWriteStream(temp, { encoding: 'utf8', mode: PRIVATE_FILE_MODE });
      let dropped = 0;
      try {
        const scan = await this.scan(async (order) => {
          if (order.updateTime < cutoff) {
            dropped += 1;
            return;
          }
          if (!out.write(`${JSON.stringify(order)}\n`)) await once(out, 'drain');
        });
        out.end();
        await once(out, 'finish');
        await chmod(temp, PRIVATE_FILE_MODE); // the archive takes the temp file's mode with its name
        await rename(temp, this.path);
        this.logger.info('compacted the force-order archive', { file: this.path, ...scan, dropped });
        return { ...scan, dropped };
      } catch (error) {
        out.destroy();
        await unlink(temp).catch(() => {});
        throw error;
      }
    });
  }

  /**
   * Start-up repair: makes the file private (0600, with a warning) if an older build or a wide umask
   * left it readable to others, and ends it with a newline if a crash tore its last line, so the next
   * append starts clean.
   */
  repairTail(): Promise<void> {
    return this.turns.run(async () => {
      await tightenToPrivate([this.path], this.logger);
      let handle: FileHandle;
      try {
        handle = await open(this.path, 'r');
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return;
        throw error;
      }
      try {
        const { size } = await handle.stat();
        if (size === 0) return;
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) await appendFile(this.path, '\n', 'utf8');
      } finally {
        await handle.close();
      }
    });
  }

  /** Calls `visit` once per distinct order (first line wins), counting duplicates and bad lines. */
  private async scan(visit: (order: ForceOrder) => void | Promise<void>): Promise<ArchiveScan> {
    const result: ArchiveScan = { orders: 0, duplicates: 0, badLines: 0 };
    const input = createReadStream(this.path, { encoding: 'utf8' });
    const opened = once(input, 'open').then(
      () => true,
      (error: unknown) => {
        if (errorCode(error) === 'ENOENT') return false;
        throw error;
      },
    );
    if (!(await opened)) return result;
    const keys = new Set<string>();
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (line.trim() === '') continue;
      const order = parseLine(line);
      if (!order) {
        result.badLines += 1;
        continue;
      }
      const key = orderKey(order);
      if (keys.has(key)) {
        result.duplicates += 1;
        continue;
      }
      keys.add(key);
      result.orders += 1;
      await visit(order);
    }
    return result;
  }
}

/** One line per order, after a newline that ends a torn tail when there is one. */
function* archiveLines(orders: readonly ForceOrder[], afterTornTail: boolean): Generator<string> {
  if (afterTornTail) yield '\n';
  for (const order of orders) yield `${JSON.stringify(order)}\n`;
}

/**
 * Settlement closes were archived as LIQUIDATION before SETTLEMENT was a kind of its own. Their
 * `clientOrderId` still says what they are, so they read back as SETTLEMENT, and the next compaction
 * writes them so: no migration step is needed. Kinds the id does not state (learnt by lookup) stay.
 */
function withStatedKind(order: ForceOrder): ForceOrder {
  const stated = typeof order.clientOrderId === 'string' ? classifyForceOrder(order.clientOrderId) : undefined;
  return stated === 'SETTLEMENT' && order.kind !== stated ? { ...order, kind: stated } : order;
}

function parseLine(line: string): ForceOrder | undefined {
  try {
    const value = JSON.parse(line) as Partial<ForceOrder> | null;
    if (
      value &&
      (value.market === 'cm' || value.market === 'um' || value.market === 'margin') &&
      Number.isFinite(value.orderId) &&
      Number.isFinite(value.updateTime) &&
      typeof value.symbol === 'string'
    ) {
      return withStatedKind(value as ForceOrder);
    }
  } catch {
    // counted by the caller
  }
  return undefined;
}

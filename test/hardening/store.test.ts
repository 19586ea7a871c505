import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreOpenError, StoreWriteError } from '../../src/store/errors.js';
import { StateStore } from '../../src/store/StateStore.js';
import { newStoreDocument } from '../../src/store/StoreDocument.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { nextEvent, PipelineHarness, tempDir } from '../pipeline/pipelineHarness.js';

let dir: string;
let cleanup: () => Promise<void>;
const harnesses: PipelineHarness[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.stop();
  await cleanup();
});

/** A real store document with an order waiting in the outbox, as bytes on disk. */
function storeBytes(): string {
  const doc = newStoreDocument(Date.UTC(2026, 10, 25));
  const order = forceOrderFixture();
  doc.outbox.push({ id: 'cm:165123080', order, queuedAt: order.updateTime, deliveredTo: ['slack'] });
  doc.symbols.push(order.symbol);
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Opens `bytes` as a store; returns the refusal (failing the test if it opened) and the bytes left on disk. */
async function refusal(bytes: string | Uint8Array): Promise<{ error: unknown; after: Buffer }> {
  const path = join(dir, 'state.json');
  await writeFile(path, bytes);
  const error = await StateStore.open({ path, createAt: 0 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, after: await readFile(path) };
}

describe('a store file that was cut short or corrupted', () => {
  it('is refused at every truncation point, naming the file and what to do, and left byte-for-byte untouched', async () => {
    const whole = storeBytes();
    // Every prefix a crash or a full disk could leave (the whole document minus its last newline is valid).
    for (let length = 0; length < whole.length - 2; length += 1) {
      const { error, after } = await refusal(whole.slice(0, length));
      expect(error, `prefix of ${length}`).toBeInstanceOf(StoreOpenError);
      expect((error as Error).message).toContain(join(dir, 'state.json'));
      expect((error as Error).message).toMatch(/left untouched. Restore it from a backup, or move it aside/);
      expect(after.toString()).toBe(whole.slice(0, length));
    }
  });

  it('refuses random bytes and random JSON that is not a store, without changing them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.json().map((j) => Buffer.from(j)),
        ),
        async (bytes) => {
          const { error, after } = await refusal(bytes);
          expect(error).toBeInstanceOf(StoreOpenError);
          expect(after.equals(Buffer.from(bytes))).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('a store whose directory is not a directory (works as root, where permission bits do not stop writes)', () => {
  it('refuses to start when the store path runs through a regular file, creating nothing', async () => {
    const file = join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    const h = new PipelineHarness(file);
    const error = await h.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String((error as Error | undefined)?.message)).toMatch(/a file stands where a directory should be/);
    expect(String((error as Error).message)).toContain(join(file, 'state.json'));
    expect(await readFile(file, 'utf8')).toBe('x');
  });

  it('stops advancing the watermark while the directory is replaced under it, says which file, and alerts once when it is back', async () => {
    const storeDir = join(dir, 'store');
    await mkdir(storeDir);
    const h = new PipelineHarness(storeDir);
    harnesses.push(h);
    // The archive lives elsewhere, so only the store write can fail.
    await h.start({ archivePath: join(dir, 'archive.jsonl') });
    const watermark = async (at = storeDir) =>
      (JSON.parse(await readFile(join(at, 'state.json'), 'utf8')) as { watermark: number }).watermark;
    const before = await watermark();

    // Someone moves the store's directory away and leaves a file in its place: lowdb's write fails with ENOTDIR.
    await rename(storeDir, `${storeDir}.moved`);
    await writeFile(storeDir, 'not a directory');
    const order = forceOrderFixture({ updateTime: h.clock.now() + 1_000, time: h.clock.now() + 1_000 });
    h.source.add(order);
    const failed = nextEvent(h.bus, 'pollFailed');
    const error = await h.tick().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreWriteError);
    expect((error as StoreWriteError).message).toContain(join(storeDir, 'state.json'));
    expect((await failed).fatal).toBe(false);
    expect(h.log.lines.some((l) => /poll failed; retrying/.test(l) && l.includes('StoreWriteError'))).toBe(true);
    expect(h.sinks.flatMap((s) => s.alertIds)).toEqual([]);
    expect(await watermark(`${storeDir}.moved`)).toBe(before);

    // Put back: the order is alerted exactly once, and the watermark moves on.
    await rm(storeDir);
    await rename(`${storeDir}.moved`, storeDir);
    await h.tick();
    for (const sink of h.sinks) {
      await sink.untilAlerts(1);
      expect(sink.alertIds).toEqual([`cm:${order.orderId}`]);
    }
    expect(await watermark()).toBeGreaterThan(before);
  });
});

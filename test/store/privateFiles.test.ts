import { chmod, copyFile, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProcessLock } from '../../src/store/ProcessLock.js';
import { createPrivateDirectory, writePrivateFileAtomically } from '../../src/store/privateFiles.js';
import { StateStore } from '../../src/store/StateStore.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { tempDir } from '../pipeline/pipelineHarness.js';

/** A store as forcewatch wrote it before the schema was versioned: opening it migrates it and writes a backup. */
const V0_FIXTURE = new URL('./fixtures/store-v0.json', import.meta.url);

let dir: string;
let cleanup: () => Promise<void>;
let umask: number;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  // The usual umask, which left the store 0644 and its directory 0755 before.
  umask = process.umask(0o022);
});
afterEach(async () => {
  process.umask(umask);
  await cleanup();
});

async function modeOf(path: string): Promise<string> {
  return `0${((await stat(path)).mode & 0o777).toString(8)}`;
}

describe('the store is private to its user under umask 022', () => {
  it('creates the data directory and its missing parents 0700, and leaves a directory that exists alone', async () => {
    await createPrivateDirectory(join(dir, 'a', 'b', 'data'));
    expect(await Promise.all(['a', 'a/b', 'a/b/data'].map((d) => modeOf(join(dir, d))))).toEqual(['0700', '0700', '0700']);
    const shared = join(dir, 'shared');
    await mkdir(shared, { mode: 0o755 });
    await createPrivateDirectory(shared);
    expect(await modeOf(shared)).toBe('0755');
  });

  it('creates the store 0600 and keeps it 0600 through every atomic write, leaving no temp file', async () => {
    const path = join(dir, 'forcewatch.json');
    const store = await StateStore.open({ path, createAt: 0 });
    expect(await modeOf(path)).toBe('0600');
    await store.update((draft) => {
      draft.watermark = 5;
    });
    expect(await modeOf(path)).toBe('0600');
    expect(await readdir(dir)).toEqual(['forcewatch.json']);
  });

  it('a temp file a crash left 0644 does not widen the store it is renamed over', async () => {
    const path = join(dir, 'state.json');
    await writeFile(join(dir, '.state.json.tmp'), 'half a document', { mode: 0o644 });
    await writePrivateFileAtomically(path, '{}');
    expect(await modeOf(path)).toBe('0600');
  });

  it('writes the migration backup 0600', async () => {
    const path = join(dir, 'forcewatch.json');
    await copyFile(V0_FIXTURE, path);
    await StateStore.open({ path, createAt: 0 });
    expect(await modeOf(`${path}.v0.bak`)).toBe('0600');
    expect(await modeOf(path)).toBe('0600');
  });

  it('makes an existing 0644 store, its backups and a leftover temp file 0600 at open, with a warning naming each', async () => {
    const path = join(dir, 'forcewatch.json');
    const store = await StateStore.open({ path, createAt: 0 });
    await store.flush();
    const wide = [path, `${path}.v0.bak`, `${path}.v0.1764071880000.bak`, join(dir, '.forcewatch.json.tmp')];
    for (const file of wide.slice(1)) await writeFile(file, '{}');
    await Promise.all(wide.map((file) => chmod(file, 0o644)));
    const unrelated = join(dir, 'notes.txt');
    await writeFile(unrelated, 'mine', { mode: 0o644 });

    const { logger, lines } = captureLogger();
    await StateStore.open({ path, createAt: 0, logger });
    expect(await Promise.all(wide.map(modeOf))).toEqual(['0600', '0600', '0600', '0600']);
    expect(await modeOf(unrelated)).toBe('0644');
    const warnings = lines.map((l) => JSON.parse(l)).filter((l) => l.msg.startsWith('made a store file private'));
    expect(warnings.map((w) => w.file).sort()).toEqual([...wide].sort());
    expect(warnings.every((w) => w.level === 'warn' && w.was === '0644' && w.now === '0600')).toBe(true);
  });

  it('creates the lock 0600', async () => {
    const path = join(dir, 'forcewatch.json.lock');
    const lock = await ProcessLock.acquire({ path, logger: captureLogger().logger });
    expect(await modeOf(path)).toBe('0600');
    await lock.release();
  });
});

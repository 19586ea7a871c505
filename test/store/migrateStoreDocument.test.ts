import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreOpenError, StoreVersionError } from '../../src/store/errors.js';
import { migrateStoreDocument, storeSchemaVersion } from '../../src/store/migrateStoreDocument.js';
import { StateStore } from '../../src/store/StateStore.js';
import { STORE_SCHEMA_VERSION, storeDocumentProblem } from '../../src/store/StoreDocument.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { tempDir } from '../pipeline/pipelineHarness.js';

/** A store as forcewatch wrote it before the schema was versioned: today's shape without `version`. */
const V0_FIXTURE = new URL('./fixtures/store-v0.json', import.meta.url);

/** What version 2 adds to an older store, written out here so a changed default fails this test. */
const V2_RISK_DEFAULTS = { level: null, lastEvent: null, warnArmed: true, outbox: [] };
/** What version 3 adds: no owning account yet, no digest sent, no uniMMR seen. */
const V3_DEFAULTS = { account: null, digest: { lastDay: null, outbox: [], uniMmrLows: [] } };
const V3_CHANGE =
  'v2 -> v3: adds the owning account (none yet: the first account to open the store claims it) and the daily digest state (no digest sent)';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

async function writeV0(path: string): Promise<string> {
  const text = await readFile(V0_FIXTURE, 'utf8');
  await writeFile(path, text);
  return text;
}

describe('storeSchemaVersion', () => {
  it.each([
    [{ watermark: 1 }, 0],
    [{ version: 1 }, 1],
    [{ version: 7 }, 7],
    [{ version: '1' }, undefined],
    [{ version: -1 }, undefined],
    [{ version: 1.5 }, undefined],
    [[], undefined],
    [null, undefined],
  ])('reads %j as %s', (value, expected) => {
    expect(storeSchemaVersion(value)).toBe(expected);
  });
});

describe('migrateStoreDocument', () => {
  it('adds the version and the risk state to a v0 document, keeps every other field and leaves the input alone', async () => {
    const v0 = JSON.parse(await readFile(V0_FIXTURE, 'utf8')) as Record<string, unknown>;
    const before = structuredClone(v0);
    const result = migrateStoreDocument(v0, 0);
    expect(result.document).toEqual({ ...before, version: 3, risk: V2_RISK_DEFAULTS, ...V3_DEFAULTS });
    expect(result.changes).toEqual([
      'v0 -> v1: records the schema version',
      'v1 -> v2: adds the risk state (no risk level active, the early warning armed, no risk alerts waiting)',
      V3_CHANGE,
    ]);
    expect(v0).toEqual(before);
  });

  it('adds the risk state to a v1 document: no level active, the warning armed, no risk alerts, everything else kept', () => {
    const v1 = { version: 1, watermark: 5, alertFrom: 1, seen: { 'cm:1': 4 }, outbox: [], symbols: ['BTCUSD_PERP'] };
    const result = migrateStoreDocument(v1, 1);
    expect(result.document).toEqual({ ...v1, version: 3, risk: V2_RISK_DEFAULTS, ...V3_DEFAULTS });
    expect(storeDocumentProblem(result.document)).toBeUndefined();
  });

  it('adds an unclaimed account and an empty digest state to a v2 document, everything else kept', () => {
    const risk = { level: 'MARGIN_CALL', lastEvent: { time: 4, level: 'MARGIN_CALL' }, warnArmed: false, outbox: [] };
    const v2 = { version: 2, watermark: 5, alertFrom: 1, seen: {}, outbox: [], symbols: [], risk };
    const result = migrateStoreDocument(v2, 2);
    expect(result.document).toEqual({ ...v2, version: 3, ...V3_DEFAULTS });
    expect(result.changes).toEqual([V3_CHANGE]);
    expect(storeDocumentProblem(result.document)).toBeUndefined();
  });

  it('does nothing to a current document and refuses a newer one', () => {
    const current = { version: STORE_SCHEMA_VERSION, watermark: 5 };
    expect(migrateStoreDocument(current, STORE_SCHEMA_VERSION)).toEqual({ document: current, from: STORE_SCHEMA_VERSION, changes: [] });
    expect(() => migrateStoreDocument({ version: STORE_SCHEMA_VERSION + 1 }, STORE_SCHEMA_VERSION + 1)).toThrow(RangeError);
  });
});

describe('StateStore.open on an older store', () => {
  it('writes a byte-exact backup first, then migrates the file keeping the watermark and the outbox', async () => {
    const path = join(dir, 'forcewatch.json');
    const original = await writeV0(path);
    const { logger, lines } = captureLogger();
    const store = await StateStore.open({ path, createAt: 9_999_999_999_999, logger });

    expect(await readFile(`${path}.v0.bak`, 'utf8')).toBe(original);
    const onDisk = JSON.parse(await readFile(path, 'utf8'));
    expect(onDisk).toEqual({ ...JSON.parse(original), version: 3, risk: V2_RISK_DEFAULTS, ...V3_DEFAULTS });
    expect(store.data.watermark).toBe(1764071880000);
    expect(store.data.outbox[0]?.deliveredTo).toEqual(['slack']);
    expect(store.migration).toEqual({ from: 0, to: 3, backup: `${path}.v0.bak` });
    expect(lines.map((l) => JSON.parse(l))).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: expect.stringMatching(/migrated the store/),
        backup: `${path}.v0.bak`,
        from: 0,
        to: 3,
      }),
    );

    const again = await StateStore.open({ path, createAt: 0 });
    expect(again.migration).toBeUndefined();
    expect((await readdir(dir)).sort()).toEqual(['forcewatch.json', 'forcewatch.json.v0.bak']);
  });

  it('backs a v2 store up byte for byte, migrates it unclaimed, and the first account to open it claims it', async () => {
    const path = join(dir, 'forcewatch.json');
    const v2 = JSON.stringify({ ...JSON.parse(await readFile(V0_FIXTURE, 'utf8')), version: 2, risk: V2_RISK_DEFAULTS });
    await writeFile(path, v2);
    const store = await StateStore.open({ path, createAt: 0, account: 'desk-a' });
    expect(store.migration).toEqual({ from: 2, to: 3, backup: `${path}.v2.bak` });
    expect(await readFile(`${path}.v2.bak`, 'utf8')).toBe(v2);
    const onDisk = JSON.parse(await readFile(path, 'utf8'));
    expect(onDisk).toEqual({ ...JSON.parse(v2), ...V3_DEFAULTS, version: 3, account: 'desk-a' });
    expect(store.data.account).toBe('desk-a');
  });

  it('keeps an earlier, different backup and writes this one beside it', async () => {
    const path = join(dir, 'forcewatch.json');
    await writeFile(`${path}.v0.bak`, '{"watermark": 1}');
    const original = await writeV0(path);
    const store = await StateStore.open({ path, createAt: 0 });
    expect(await readFile(`${path}.v0.bak`, 'utf8')).toBe('{"watermark": 1}');
    expect(store.migration?.backup).toMatch(/forcewatch\.json\.v0\.\d+\.bak$/);
    expect(await readFile(store.migration?.backup ?? '', 'utf8')).toBe(original);
  });

  it('reuses an identical backup left by a migration whose write did not happen', async () => {
    const path = join(dir, 'forcewatch.json');
    const original = await writeV0(path);
    await writeFile(`${path}.v0.bak`, original);
    const store = await StateStore.open({ path, createAt: 0 });
    expect(store.migration?.backup).toBe(`${path}.v0.bak`);
    expect(await readdir(dir)).toHaveLength(2);
  });

  it('refuses to migrate, and changes nothing, when the backup cannot be written', async () => {
    const path = join(dir, 'forcewatch.json');
    const original = await writeV0(path);
    await mkdir(`${path}.v0.bak`); // a directory where the backup file should go
    const error = await StateStore.open({ path, createAt: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreOpenError);
    expect((error as Error).message).toMatch(/schema version 0 and must be migrated, but its backup copy could not be written \(EISDIR\)/);
    expect(await readFile(path, 'utf8')).toBe(original);
  });

  it('does not migrate or back up a v0 store that is malformed', async () => {
    const path = join(dir, 'forcewatch.json');
    await writeFile(path, '{"watermark": "soon"}');
    await expect(StateStore.open({ path, createAt: 0 })).rejects.toThrow(/watermark is not a number/);
    expect(await readdir(dir)).toEqual(['forcewatch.json']);
  });
});

describe('StateStore.open on a newer store', () => {
  it('refuses it, says to upgrade or restore the backup, and leaves it untouched', async () => {
    const path = join(dir, 'forcewatch.json');
    const text = JSON.stringify({ version: STORE_SCHEMA_VERSION + 1, watermark: 5, renamed: {} });
    await writeFile(path, text);
    const error = await StateStore.open({ path, createAt: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreVersionError);
    expect(error).toMatchObject({ retryable: false, found: STORE_SCHEMA_VERSION + 1, supported: STORE_SCHEMA_VERSION, file: path });
    expect((error as Error).message).toContain(
      `the forcewatch store ${path} has schema version ${STORE_SCHEMA_VERSION + 1}, written by a newer forcewatch; this build reads up to version ${STORE_SCHEMA_VERSION}. ` +
        `The file was left untouched. Upgrade forcewatch to the release that wrote it, or stop and restore the backup that upgrade made (${path}.v${STORE_SCHEMA_VERSION}.bak) to run this older release.`,
    );
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(await readdir(dir)).toEqual(['forcewatch.json']);
  });
});

import { appendFile, open, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppendHandle, ForceOrderArchive } from '../../src/store/ForceOrderArchive.js';
import { WRITE_CHUNK_CHARS } from '../../src/store/textChunks.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { tempDir } from '../pipeline/pipelineHarness.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

function archiveIn(path: string, now = () => NOW, openForAppend?: (path: string) => Promise<AppendHandle>) {
  const log = captureLogger();
  return { archive: new ForceOrderArchive({ path, archiveDays: 90, now, logger: log.logger, openForAppend }), lines: log.lines };
}

/**
 * The real file opened for appending, whose second write lands half its text and then fails with
 * ENOSPC, as a full disk does; with `truncateFails`, cutting the half line off fails too.
 */
function diskFullOnce(options: { truncateFails?: boolean } = {}) {
  let writes = 0;
  return async (path: string): Promise<AppendHandle> => {
    const real = await open(path, 'a');
    return {
      stat: () => real.stat(),
      chmod: (mode) => real.chmod(mode),
      close: () => real.close(),
      truncate: (length) => (options.truncateFails ? Promise.reject(new Error('EIO: simulated')) : real.truncate(length)),
      writeFile: async (data, encoding) => {
        writes += 1;
        if (writes !== 2) return real.writeFile(data, encoding);
        await real.writeFile(data.slice(0, Math.floor(data.length / 2)), encoding);
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    };
  };
}

describe('ForceOrderArchive', () => {
  it('reads nothing from a file that does not exist yet', async () => {
    const { archive } = archiveIn(join(dir, 'none.jsonl'));
    expect(await archive.read({ startTime: 0, endTime: NOW })).toEqual([]);
  });

  it('appends one line per order and reads a window by updateTime, inclusive, each order once', async () => {
    const path = join(dir, 'archive.jsonl');
    const { archive } = archiveIn(path);
    const orders = [0, 1, 2, 3].map((i) => forceOrderFixture({ orderId: i, updateTime: NOW - i * DAY }));
    await archive.append(orders);
    // A crash between the archive append and the store write appends the same order again next poll.
    await archive.append([orders[1]!]);
    expect((await readFile(path, 'utf8')).trim().split('\n')).toHaveLength(5);
    const found = await archive.read({ startTime: NOW - 2 * DAY, endTime: NOW - DAY });
    expect(found.map((o) => o.orderId).sort()).toEqual([1, 2]);
    expect(found[0]).toEqual(orders[1]);
  });

  it('reads a settlement close archived as LIQUIDATION (before SETTLEMENT was a kind) as SETTLEMENT, and compaction rewrites it so', async () => {
    const path = join(dir, 'archive.jsonl');
    const { archive } = archiveIn(path);
    const settlement = forceOrderFixture({ orderId: 1, updateTime: NOW, kind: 'SETTLEMENT', symbol: 'BTCUSD_261225' });
    // An older build's line: the same order, tagged LIQUIDATION.
    const before = { ...settlement, kind: 'LIQUIDATION' };
    // Kinds the id does not state (learnt by lookup) are kept as archived.
    const learnt = forceOrderFixture({ orderId: 2, updateTime: NOW, kind: 'ADL', clientOrderId: 'renamed-by-binance-1' });
    await writeFile(path, `${JSON.stringify(before)}\n${JSON.stringify(learnt)}\n`);
    expect(await archive.read({ startTime: NOW, endTime: NOW })).toEqual([settlement, learnt]);
    await archive.compact();
    expect(
      (await readFile(path, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).kind),
    ).toEqual(['SETTLEMENT', 'ADL']);
  });

  it('keeps the same orderId apart across markets', async () => {
    const { archive } = archiveIn(join(dir, 'archive.jsonl'));
    await archive.append([
      forceOrderFixture({ orderId: 5, updateTime: NOW }),
      forceOrderFixture({ orderId: 5, updateTime: NOW, market: 'um' }),
      forceOrderFixture({ orderId: 5, updateTime: NOW, market: 'margin', clientOrderId: 'margin-5' }),
    ]);
    // Margin liquidations read back too (a reader that knew only cm and um counted them as bad lines).
    expect((await archive.read({ startTime: NOW, endTime: NOW })).map((o) => o.market).sort()).toEqual(['cm', 'margin', 'um']);
  });

  it('skips and counts bad lines, and mends a line torn by a crash before appending', async () => {
    const path = join(dir, 'archive.jsonl');
    const { archive, lines } = archiveIn(path);
    await archive.append([forceOrderFixture({ orderId: 1, updateTime: NOW })]);
    await appendFile(path, 'not json\n{"market":"cm"}\n{"market":"cm","orderId":2,"upda');
    await archive.repairTail();
    await archive.append([forceOrderFixture({ orderId: 3, updateTime: NOW })]);
    const found = await archive.read({ startTime: 0, endTime: NOW });
    expect(found.map((o) => o.orderId)).toEqual([1, 3]);
    expect(lines.some((l) => l.includes('"badLines":3'))).toBe(true);
  });

  it('compacts: drops orders past archiveDays and duplicates, atomically, keeping the rest readable', async () => {
    const path = join(dir, 'archive.jsonl');
    let now = NOW;
    const { archive } = archiveIn(path, () => now);
    await archive.append([
      forceOrderFixture({ orderId: 1, updateTime: NOW - 100 * DAY }),
      forceOrderFixture({ orderId: 2, updateTime: NOW - 89 * DAY }),
      forceOrderFixture({ orderId: 3, updateTime: NOW }),
      forceOrderFixture({ orderId: 3, updateTime: NOW }),
    ]);
    await appendFile(path, 'garbage\n');
    const result = await archive.compact();
    expect(result).toEqual({ orders: 3, duplicates: 1, badLines: 1, dropped: 1 });
    const text = await readFile(path, 'utf8');
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { orderId: number }).orderId),
    ).toEqual([2, 3]);
    now += 2 * DAY;
    expect((await archive.compact()).dropped).toBe(1);
    expect((await archive.read({ startTime: 0, endTime: now })).map((o) => o.orderId)).toEqual([3]);
  });

  it('does not lose an append made while a compaction runs', async () => {
    const path = join(dir, 'archive.jsonl');
    const { archive } = archiveIn(path);
    await writeFile(
      path,
      Array.from({ length: 2_000 }, (_, i) => `${JSON.stringify(forceOrderFixture({ orderId: i, updateTime: NOW }))}\n`).join(''),
    );
    const compacting = archive.compact();
    const appending = archive.append([forceOrderFixture({ orderId: 99_999, updateTime: NOW })]);
    await Promise.all([compacting, appending]);
    const found = await archive.read({ startTime: NOW, endTime: NOW });
    expect(found).toHaveLength(2_001);
  });

  it.each([
    ['cut back off the file', {}, 0],
    ['left as a bad line of its own when cutting it off fails', { truncateFails: true }, 1],
  ])(
    'a disk-full append torn half-way is %s: the retried order is whole, readable, and survives compaction',
    async (_, options, badLines) => {
      const path = join(dir, 'archive.jsonl');
      const { archive } = archiveIn(path, () => NOW, diskFullOnce(options));
      const first = forceOrderFixture({ orderId: 1, updateTime: NOW });
      const torn = forceOrderFixture({ orderId: 2, updateTime: NOW });
      await archive.append([first]);
      await expect(archive.append([torn])).rejects.toMatchObject({ code: 'ENOSPC' });
      // The poller's retry: the same order, appended again once the disk has room.
      await archive.append([torn]);
      expect((await archive.read({ startTime: 0, endTime: NOW })).map((o) => o.orderId)).toEqual([1, 2]);
      expect(await archive.compact()).toEqual({ orders: 2, duplicates: 0, badLines, dropped: 0 });
      expect((await archive.read({ startTime: 0, endTime: NOW })).map((o) => o.orderId)).toEqual([1, 2]);
      expect(await readFile(path, 'utf8')).toBe(`${JSON.stringify(first)}\n${JSON.stringify(torn)}\n`);
    },
  );

  it('cuts back a cascade append that fails after its first chunk landed: the retry leaves each order once', async () => {
    const path = join(dir, 'archive.jsonl');
    const { archive } = archiveIn(path, () => NOW, diskFullOnce());
    const cascade = Array.from({ length: 2_000 }, (_, i) => forceOrderFixture({ orderId: i + 1, updateTime: NOW - i }));
    expect(cascade.reduce((n, o) => n + JSON.stringify(o).length + 1, 0)).toBeGreaterThan(2 * WRITE_CHUNK_CHARS);
    await expect(archive.append(cascade)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect((await stat(path)).size).toBe(0);
    await archive.append(cascade);
    expect(await readFile(path, 'utf8')).toBe(cascade.map((o) => `${JSON.stringify(o)}\n`).join(''));
  });

  it('creates the archive and its compacted copy 0600 under umask 022, and makes an older 0644 one private with a warning', async () => {
    const previous = process.umask(0o022);
    try {
      const path = join(dir, 'archive.jsonl');
      const { archive, lines } = archiveIn(path);
      await archive.append([forceOrderFixture({ orderId: 1, updateTime: NOW })]);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      await archive.compact();
      expect((await stat(path)).mode & 0o777).toBe(0o600);

      const older = join(dir, 'older.jsonl');
      await writeFile(older, `${JSON.stringify(forceOrderFixture({ orderId: 1, updateTime: NOW }))}\n`, { mode: 0o644 });
      const { archive: olderArchive, lines: olderLines } = archiveIn(older);
      await olderArchive.repairTail();
      expect((await stat(older)).mode & 0o777).toBe(0o600);
      expect(olderLines.filter((l) => l.includes('made a store file private'))).toEqual([
        expect.stringMatching(new RegExp(`"file":"${older}","was":"0644","now":"0600"`)),
      ]);
      expect(lines.some((l) => l.includes('made a store file private'))).toBe(false);
    } finally {
      process.umask(previous);
    }
  });
});

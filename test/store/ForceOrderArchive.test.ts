import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForceOrderArchive } from '../../src/store/ForceOrderArchive.js';
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

function archiveIn(path: string, now = () => NOW) {
  const log = captureLogger();
  return { archive: new ForceOrderArchive({ path, archiveDays: 90, now, logger: log.logger }), lines: log.lines };
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

  it('keeps the same orderId apart across markets', async () => {
    const { archive } = archiveIn(join(dir, 'archive.jsonl'));
    await archive.append([
      forceOrderFixture({ orderId: 5, updateTime: NOW }),
      forceOrderFixture({ orderId: 5, updateTime: NOW, market: 'um' }),
    ]);
    expect(await archive.read({ startTime: NOW, endTime: NOW })).toHaveLength(2);
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
});

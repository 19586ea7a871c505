import type { Figure } from './Figure.js';

const COLUMNS = ['scenario', 'figure', 'value', 'target', 'met?'] as const;

/** The figures as a plain-text table (the lead copies it into the README). */
export function formatTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.scenario,
    f.figure,
    `${f.value} ${f.unit}`,
    f.target ?? '',
    f.met === undefined ? '' : f.met ? 'yes' : 'NO',
  ]);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join(' | ')
      .trimEnd();
  return [line(COLUMNS), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

/** A column of a plain-text table: its header and whether values line up on the right (numbers). */
export interface TextColumn {
  header: string;
  alignRight?: boolean;
}

/** Lays rows out as fixed-width text columns separated by two spaces, trailing spaces trimmed. */
export function textTable(columns: TextColumn[], rows: string[][]): string[] {
  const widths = columns.map((column, i) => Math.max(column.header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? '';
        const width = widths[i] ?? 0;
        return column.alignRight ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...rows.map(line)];
}

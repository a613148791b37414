/**
 * The one CSV writer (RFC 4180): every table beatlens writes — run exports, per-segment
 * predictions, per-beat scores, grade exports, segment counts — goes through `csvLine` /
 * `formatCsv`, so quoting and number formatting are the same everywhere.
 */

/** One CSV cell: null/undefined and non-finite numbers are empty; quotes doubled when needed. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' && !Number.isFinite(v)) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (no line break). */
export function csvLine(cells: readonly unknown[]): string {
  return cells.map(csvCell).join(',');
}

/** A whole CSV document: header line, one line per row, a final newline. */
export function formatCsv(
  header: readonly string[],
  rows: readonly (readonly unknown[])[],
): string {
  return `${[csvLine(header), ...rows.map(csvLine)].join('\n')}\n`;
}

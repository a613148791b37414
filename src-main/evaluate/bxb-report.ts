/**
 * Reports of a beat-by-beat comparison: the text table (bxb's line format plus sumstats' gross
 * and average lines), and the JSON and CSV exports. The table's count columns are bxb `-L`'s, so
 * a line can be set beside bxb's own: a primed column folds the columns bxb folds there, e.g.
 * Nn' = Nn+Nf+Nq, Fn' = Fn+Ff+Fq+Qn+Qf+Qq, On' = On+Of+Oq+Xn+Xf+Xq, Fo' = Fo+Qo.
 */
import { formatCsv } from '../csv';
import {
  REF_ROWS,
  STATISTIC_KEYS,
  TEST_COLUMNS,
  type BxbCounts,
  type BxbStatistics,
  type BxbSummary,
  type RefRow,
  type TestColumn,
} from './bxb';

/** Headings of the statistics, as bxb and sumstats print them. */
const STAT_HEADINGS: Record<keyof BxbStatistics, string> = {
  qrsSensitivity: 'Q Se',
  qrsPositivePredictivity: 'Q +P',
  vebSensitivity: 'V Se',
  vebPositivePredictivity: 'V +P',
  vebFalsePositiveRate: 'V FPR',
  svebSensitivity: 'S Se',
  svebPositivePredictivity: 'S +P',
};

/** A matrix cell by its bxb name, e.g. 'Vn' → counts.V.N ('Fo' → counts.F.O). */
const cellOf = (name: string): readonly [RefRow, TestColumn] =>
  [name[0] as RefRow, name[1].toUpperCase() as TestColumn] as const;

/** bxb -L's count columns: heading and the cells it adds up. */
const LINE_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ["Nn'", 'Nn Nf Nq'],
  ["Sn'", 'Sn Sf Sq'],
  ["Vn'", 'Vn Vf Vq'],
  ["Fn'", 'Fn Ff Fq Qn Qf Qq'],
  ["On'", 'On Of Oq Xn Xf Xq'],
  ['Ns', 'Ns'],
  ['Ss', 'Ss'],
  ['Vs', 'Vs'],
  ["Fs'", 'Fs Qs'],
  ["Os'", 'Os Xs'],
  ['Nv', 'Nv'],
  ['Sv', 'Sv'],
  ['Vv', 'Vv'],
  ["Fv'", 'Fv Qv'],
  ["Ov'", 'Ov Xv'],
  ['No', 'No'],
  ['So', 'So'],
  ['Vo', 'Vo'],
  ["Fo'", 'Fo Qo'],
];

/** A fraction as bxb prints it: percent, 2 decimals (3 for the false positive rate), '-' if undefined. */
export function formatPercent(value: number | null, decimals = 2): string {
  return value === null ? '-' : (100 * value).toFixed(decimals);
}

const statCells = (value: (key: keyof BxbStatistics) => number | null): string[] =>
  STATISTIC_KEYS.map((k) => formatPercent(value(k), k === 'vebFalsePositiveRate' ? 3 : 2));

function cellValue(c: BxbCounts, name: string): number {
  const [r, t] = cellOf(name);
  return c[r][t];
}

const lineCounts = (c: BxbCounts): string[] =>
  LINE_COLUMNS.map(([, cells]) =>
    String(cells.split(' ').reduce((sum, name) => sum + cellValue(c, name), 0)),
  );

/** Right-aligned columns (the first left-aligned), two spaces apart. */
function alignColumns(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const cell = (v: string, c: number): string =>
    c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]);
  return rows.map((r) => r.map(cell).join('  ').trimEnd()).join('\n');
}

/**
 * The table: one line per record (a '*' marks records left out of gross and average), then the
 * gross line (statistics of the summed counts, and those sums) and the average line.
 */
export function formatBxbTable(s: BxbSummary): string {
  const excluded = new Set(s.excluded);
  const rows: string[][] = [
    ['Record', ...STATISTIC_KEYS.map((k) => STAT_HEADINGS[k]), ...LINE_COLUMNS.map(([h]) => h)],
    ...s.records.map((r) => [
      excluded.has(r.record) ? `${r.record}*` : r.record,
      ...statCells((k) => r.statistics[k].value),
      ...lineCounts(r.counts),
    ]),
    ['Gross', ...statCells((k) => s.gross[k].value), ...lineCounts(s.grossCounts)],
    ['Average', ...statCells((k) => s.average[k].value)],
  ];
  const n = s.records.length - s.excluded.length;
  const notes = [
    `Gross and average over ${n} record${n === 1 ? '' : 's'}`,
    ...(s.excluded.length > 0 ? [`* left out of both: ${s.excluded.join(', ')}`] : []),
  ];
  return `${alignColumns(rows)}\n${notes.join('; ')}`;
}

/** Matrix cells as flat names (`Nn`, `Vo`, `Xv`, …), leaving out the O and X rows' O column. */
const CELLS: ReadonlyArray<readonly [RefRow, TestColumn]> = REF_ROWS.flatMap((r) =>
  TEST_COLUMNS.filter((t) => !(t === 'O' && (r === 'O' || r === 'X'))).map((t) => [r, t] as const),
);
const cellName = ([r, t]: readonly [RefRow, TestColumn]): string => `${r}${t.toLowerCase()}`;

/**
 * CSV export: one row per record, then `gross` and `average`; statistics as fractions (empty
 * where undefined), then every matrix cell (empty on the average row).
 */
export function bxbSummaryCsv(s: BxbSummary): string {
  const excluded = new Set(s.excluded);
  const header = ['record', 'in_summary', ...STATISTIC_KEYS, ...CELLS.map(cellName)];
  const counts = (c: BxbCounts): number[] => CELLS.map(([r, t]) => c[r][t]);
  const rows: unknown[][] = [
    ...s.records.map((r) => [
      r.record,
      excluded.has(r.record) ? 0 : 1,
      ...STATISTIC_KEYS.map((k) => r.statistics[k].value),
      ...counts(r.counts),
    ]),
    ['gross', '', ...STATISTIC_KEYS.map((k) => s.gross[k].value), ...counts(s.grossCounts)],
    ['average', '', ...STATISTIC_KEYS.map((k) => s.average[k].value)],
  ];
  return formatCsv(header, rows);
}

/** JSON export: the summary with the settings that produced it. */
export function bxbSummaryJson(
  s: BxbSummary,
  settings: {
    fromMinutes: number;
    matchSeconds: number;
    sources: { record: string; csv: string; reference: string }[];
  },
): object {
  return {
    comparison: 'beat-by-beat, ANSI/AAMI EC57 as WFDB bxb/sumstats',
    ...settings,
    excludedFromSummary: s.excluded,
    records: s.records,
    gross: { counts: s.grossCounts, statistics: s.gross },
    average: s.average,
  };
}

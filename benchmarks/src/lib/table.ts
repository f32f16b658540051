/** Plain-text tables with padded columns, for suite output. */

export type Cell = string | number | null | undefined;

export interface TableOptions {
  /** Decimals for numbers that are not integers. Default 1. */
  digits?: number;
  /** Column indexes to left-align; by default the first column is left-aligned, the rest right. */
  left?: readonly number[];
}

/** Formats a number with thousands separators, `digits` decimals if not an integer. */
export function formatNumber(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return String(value);
  const decimals = Number.isInteger(value) ? 0 : digits;
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Like {@link formatNumber} but always with exactly `digits` decimals (so 521 shows as 521.0). */
export function formatFixed(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function text(cell: Cell, digits: number): string {
  if (cell === null || cell === undefined) return '-';
  return typeof cell === 'number' ? formatNumber(cell, digits) : cell;
}

/** Renders a table with a header row and a rule under it; returns the lines joined by newlines. */
export function renderTable(headers: readonly string[], rows: readonly (readonly Cell[])[], options: TableOptions = {}): string {
  const digits = options.digits ?? 1;
  const left = new Set(options.left ?? [0]);
  const body = rows.map((row) => headers.map((_, i) => text(row[i], digits)));
  const widths = headers.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (left.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** Prints {@link renderTable} to stdout. */
export function printTable(headers: readonly string[], rows: readonly (readonly Cell[])[], options?: TableOptions): void {
  console.log(renderTable(headers, rows, options));
}

/** A ratio as `1.23x`, or `-` when there is none. */
export function formatRatio(value: number | null, digits = 2): string {
  return value === null || !Number.isFinite(value) ? '-' : `${value.toFixed(digits)}x`;
}

/**
 * The function file shipped to the machines (`importFunctionFile`): everything here runs remotely.
 * Helpers may be used freely: the file is bundled with what it imports.
 */

/** Adds `scale` times row `k` of `b` (width `n`) into `out` at `outOffset`: the inner loop of i-k-j. */
function addScaledRow(out: Float64Array, outOffset: number, b: Float64Array, k: number, n: number, scale: number): void {
  const bOffset = k * n;
  for (let j = 0; j < n; j++) out[outOffset + j]! += scale * b[bOffset + j]!;
}

/**
 * Rows of C = A·B for a block of `rows` rows of A (row-major, width `n`), against all of B
 * (n x n). Returns the block of C, `rows` x `n`.
 */
export function multiplyRows(aRows: Float64Array, b: Float64Array, n: number, rows: number): Float64Array {
  if (aRows.length !== rows * n || b.length !== n * n) throw new RangeError(`expected ${rows}x${n} rows of A and ${n}x${n} B, got ${aRows.length} and ${b.length} values`);
  const out = new Float64Array(rows * n);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < n; k++) addScaledRow(out, i * n, b, k, n, aRows[i * n + k]!);
  }
  return out;
}

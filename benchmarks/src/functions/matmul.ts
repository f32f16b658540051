// The W5 function file, shipped to machine processes by importFunctionFile.

/**
 * Rows of C = A·B for `rows` rows of A (row-major, width `n`) against all of B (n x n), in
 * i-k-j order so the inner loop walks both B and C rows contiguously.
 */
export function multiplyRows(aRows: Float64Array, b: Float64Array, n: number, rows: number): Float64Array {
  const out = new Float64Array(rows * n);
  for (let i = 0; i < rows; i++) {
    const o = i * n;
    for (let k = 0; k < n; k++) {
      const scale = aRows[i * n + k]!;
      const bk = k * n;
      for (let j = 0; j < n; j++) out[o + j]! += scale * b[bk + j]!;
    }
  }
  return out;
}

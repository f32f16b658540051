// Functions shipped to machine processes by importFunctionFile in the benchmark suites.

/** The no-op of W2: returns its argument. */
export function identity(x: number): number {
  return x;
}

/**
 * Load generators over any request function that returns a promise: a closed loop with a fixed
 * number of requests in flight (throughput) and a sequential loop that times each request
 * (round trip).
 */

export interface ThroughputResult {
  requests: number;
  concurrency: number;
  elapsedMs: number;
  /** Completed requests per second. */
  perSecond: number;
}

/**
 * Sends `total` requests keeping `concurrency` of them outstanding: each completion starts the
 * next one. Rejects with the first failure.
 */
export async function closedLoop(request: (index: number) => Promise<unknown>, total: number, concurrency: number): Promise<ThroughputResult> {
  let next = 0;
  const worker = async () => {
    while (next < total) await request(next++);
  };
  const workers = Math.min(concurrency, total);
  const start = performance.now();
  await Promise.all(Array.from({ length: workers }, worker));
  const elapsedMs = performance.now() - start;
  return { requests: total, concurrency: workers, elapsedMs, perSecond: (total * 1000) / elapsedMs };
}

/** Sends `count` requests one after another and returns each round trip in microseconds. */
export async function sequentialLatencies(request: (index: number) => Promise<unknown>, count: number): Promise<number[]> {
  const latencies = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await request(i);
    latencies[i] = (performance.now() - start) * 1000;
  }
  return latencies;
}

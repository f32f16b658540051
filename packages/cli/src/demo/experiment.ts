import { closePmapPool, map, pmap, startPmapPool, type Cluster, type DmapOptions } from '@armada/scheduler';

/** n! with BigInt: DLisp's benchmark function. Self-contained, so it can be shipped. */
export const fac = (n: bigint): bigint => {
  let r = 1n;
  for (let i = 2n; i <= n; i++) r *= i;
  return r;
};

/** The placement modes the experiment compares, in DLisp's order. */
export const DEMO_MODES = ['round-robin', 'low-latency', 'by-memory'] as const;
type DemoMode = (typeof DEMO_MODES)[number];

/** One row of the results: how one way of running the workload did. */
export interface DemoRow {
  readonly run: 'map' | 'pmap' | 'dmap';
  readonly placement: string;
  readonly stealing: boolean | undefined;
  /** The faster of {@link runs}. */
  readonly ms: number;
  /** Every timed run of this row, in ms, in the order they ran (one per pass). */
  readonly runs: readonly number[];
  /** map's time over this row's time (both the faster of their runs). */
  readonly speedup: number;
}

/** What one experiment is run on. */
export interface ExperimentSetup {
  /**
   * Starts (or joins) the cluster, called after the map and pmap runs: a master in this thread
   * would miss its machines' heartbeats while map holds the thread for seconds.
   */
  readonly cluster: () => Promise<Cluster>;
  /** Inputs are fac(0..upTo-1). */
  readonly upTo: number;
  /** Worker threads of the pmap row. */
  readonly threads: number;
  /** Called before each run with its label, and as its packets complete. */
  readonly onRun?: (label: string, total: number) => void;
  readonly onProgress?: (done: number) => void;
}

/** Passes over every row: each row's figure is the faster of its runs, as `map`'s is. */
export const DEMO_PASSES = 2;

type RowKey = string;
interface RowSpec {
  readonly key: RowKey;
  readonly run: DemoRow['run'];
  readonly placement: string;
  readonly stealing: boolean | undefined;
}

/**
 * DLisp's experiment, in two passes over the same rows: `map` (this thread), `pmap` (the
 * process's pool of worker threads: started by the call for the cold row, already up for the warm
 * one), then on the cluster `dmap` in every placement mode with stealing on and off; then the
 * `dmap` rows in reverse order, `pmap` cold and warm, and `map` last. Each row's figure is the faster of
 * its two runs, `map`'s included, so a busy moment of a shared host (they swing ±20 % here) spoils
 * one run of a row rather than the row, and a host that drifts faster or slower over the minute
 * favours no row. Every run's results are checked against the first map's; a mismatch throws.
 * Rows come back in the first pass's order.
 */
export async function runExperiment(setup: ExperimentSetup): Promise<DemoRow[]> {
  const xs = Array.from({ length: setup.upTo }, (_, i) => BigInt(i));
  const specs: RowSpec[] = [];
  const times = new Map<RowKey, number[]>();
  let expected: bigint[] | undefined;
  const timed = async (spec: RowSpec, pass: number, run: () => Promise<bigint[]>): Promise<void> => {
    if (!times.has(spec.key)) {
      specs.push(spec);
      times.set(spec.key, []);
    }
    setup.onRun?.(`${spec.key} (${pass}/${DEMO_PASSES})`, xs.length);
    const started = performance.now();
    const out = await run();
    times.get(spec.key)!.push(performance.now() - started);
    if (expected === undefined) expected = out;
    else for (let i = 0; i < expected.length; i++) if (out[i] !== expected[i]) throw new Error(`${spec.key}: result ${i} differs from map's`);
  };
  const progress = setup.onProgress !== undefined ? { progress: setup.onProgress } : {};
  const mapRow = async (pass: number) =>
    timed({ key: 'map', run: 'map', placement: 'this thread', stealing: undefined }, pass, async () => {
      const out = await map(fac, xs);
      setup.onProgress?.(xs.length);
      return out;
    });
  // A cold row starts the process's pool in the call, as a program's first pmap does; the warm
  // row waits for the pool first, so it is warm on a busy host too.
  const pmapRows = async (pass: number) => {
    for (const warm of [false, true]) {
      await (warm ? startPmapPool(setup.threads) : closePmapPool());
      const spec = { key: warm ? 'pmap (warm pool)' : 'pmap', run: 'pmap', placement: `${setup.threads} threads, ${warm ? 'warm pool' : 'pool started in the call'}`, stealing: undefined } as const;
      await timed(spec, pass, () => pmap(fac, xs, { threads: setup.threads, ...progress }));
    }
    await closePmapPool();
  };
  const dmapRows = async (cluster: Cluster, pass: number, order: ReadonlyArray<readonly [DemoMode, boolean]>) => {
    for (const [mode, stealing] of order) {
      const spec = { key: `dmap ${mode} stealing ${stealing ? 'on' : 'off'}`, run: 'dmap', placement: mode, stealing } as const;
      const options: DmapOptions = { mode, stealing, ...progress };
      await timed(spec, pass, () => cluster.dmap(fac, xs, options));
    }
  };
  const modes = DEMO_MODES.flatMap((mode) => [true, false].map((stealing) => [mode, stealing] as const));

  await mapRow(1);
  await pmapRows(1);
  // The cluster starts after map and pmap: a master in this thread would miss its machines'
  // heartbeats while map holds the thread for seconds.
  const cluster = await setup.cluster();
  // One untimed run of the whole workload first: with a warm-up of only the small inputs the first
  // timed mode still paid for the threads' JIT and heap growth on large bigints (measured: 0.6–0.95x
  // of map, against 1.65x after a full warm-up). map, run twice, is warm as well.
  setup.onRun?.('dmap warm-up', xs.length);
  await cluster.dmap(fac, xs, progress);
  await dmapRows(cluster, 1, modes);
  await dmapRows(cluster, 2, [...modes].reverse());
  await cluster.close();
  await pmapRows(2);
  await mapRow(2);

  const best = (key: RowKey) => Math.min(...times.get(key)!);
  const baseline = best('map');
  return specs.map((spec) => {
    const runs = times.get(spec.key)!;
    const placement = spec.run === 'map' ? `${spec.placement}, best of ${runs.length}` : spec.placement;
    return { run: spec.run, placement, stealing: spec.stealing, ms: best(spec.key), runs, speedup: baseline / best(spec.key) };
  });
}

import type { TopLevelSpec } from 'vega-lite';

/** A results file as read from `benchmarks/results/<suite>.json`; shapes differ per suite. */
export type Results = Record<string, unknown>;

/** The outcome of building one chart: a spec to render, or why there is none. */
export type ChartBuild = { readonly type: 'chart'; readonly spec: TopLevelSpec } | { readonly type: 'skip'; readonly reason: string };

/** One chart of the report: which suite's results it reads and how it draws them. */
export interface Chart {
  /** The SVG file name in `benchmarks/report/`. */
  readonly file: string;
  /** The suite whose `benchmarks/results/<suite>.json` it reads. */
  readonly suite: string;
  /** What the chart shows, for the report's index. */
  readonly caption: string;
  build(results: Results): ChartBuild;
}

export const skip = (reason: string): ChartBuild => ({ type: 'skip', reason });
export const chart = (spec: TopLevelSpec): ChartBuild => ({ type: 'chart', spec });

/** The value at a dotted path, or undefined when any step is missing. */
export function at(value: unknown, path: string): unknown {
  let v = value;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** A finite number at `path`, or undefined. */
export function num(value: unknown, path: string): number | undefined {
  const v = at(value, path);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The headline's target text and the date of the run, for a subtitle line. */
export function provenance(results: Results): string {
  const date = typeof results.date === 'string' ? results.date.slice(0, 10) : 'undated';
  const cpus = num(results, 'machine.cpus');
  return `run of ${date}${cpus !== undefined ? `, ${cpus}-core machine` : ''}; medians`;
}

/** The first number in a target text such as ">= 1.6x ..." (undefined when there is none). */
export function targetNumber(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /(\d+(?:\.\d+)?)\s*x/.exec(text);
  return m === null ? undefined : Number(m[1]);
}

export const COLORS = { armada: '#2f6fde', baseline: '#9aa3b2', target: '#d43c3c', kill: '#d43c3c', detect: '#e08a00', bound: '#1f9d55' } as const;

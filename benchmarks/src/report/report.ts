/**
 * `npm run bench -- --report`: renders SVG charts from `benchmarks/results/*.json` into
 * `benchmarks/report/` with Vega-Lite (no browser), and writes `benchmarks/report/README.md`
 * listing each chart, or why a chart was skipped (its suite's results are missing or lack a field).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { UsageError } from '../lib/suite.js';
import type { Results } from './chart.js';
import { CHARTS } from './charts/index.js';
import { renderSvg } from './vega-svg.js';

const BENCHMARKS = fileURLToPath(new URL('../../', import.meta.url));

export const REPORT_DEFAULTS = {
  results: join(BENCHMARKS, 'results'),
  out: join(BENCHMARKS, 'report'),
} as const;

export const REPORT_USAGE = [
  '--results DIR   where the suites wrote their JSON (default benchmarks/results)',
  '--out DIR       where the SVG charts and README.md go (default benchmarks/report)',
];

/** One line per chart: written, or skipped with the reason. */
export interface ReportLine {
  readonly file: string;
  readonly suite: string;
  readonly outcome: 'written' | 'skipped';
  readonly note: string;
}

/** Renders every chart whose results exist; never fails because a suite's file is missing. */
export async function report(argv: string[]): Promise<ReportLine[]> {
  let values: { results?: string; out?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { results: { type: 'string' }, out: { type: 'string' } }, strict: true }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const resultsDir = resolve(values.results ?? REPORT_DEFAULTS.results);
  const outDir = resolve(values.out ?? REPORT_DEFAULTS.out);
  await mkdir(outDir, { recursive: true });
  const cache = new Map<string, Results | string>();
  const lines: ReportLine[] = [];
  for (const c of CHARTS) {
    let results = cache.get(c.suite);
    if (results === undefined) {
      results = await load(join(resultsDir, `${c.suite}.json`));
      cache.set(c.suite, results);
    }
    if (typeof results === 'string') {
      lines.push({ file: c.file, suite: c.suite, outcome: 'skipped', note: results });
      continue;
    }
    const built = c.build(results);
    if (built.type === 'skip') {
      lines.push({ file: c.file, suite: c.suite, outcome: 'skipped', note: built.reason });
      continue;
    }
    await writeFile(join(outDir, c.file), await renderSvg(built.spec));
    lines.push({ file: c.file, suite: c.suite, outcome: 'written', note: c.caption });
  }
  await writeFile(join(outDir, 'README.md'), index(lines, relative(outDir, resultsDir)));
  return lines;
}

async function load(path: string): Promise<Results | string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return `no ${path.slice(path.lastIndexOf('/') + 1)} yet: run \`npm run bench -- ${path.slice(path.lastIndexOf('/') + 1, -'.json'.length)}\``;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Results) : `${path} is not a JSON object`;
  } catch (error) {
    return `${path} is not valid JSON: ${(error as Error).message}`;
  }
}

function index(lines: readonly ReportLine[], resultsDir: string): string {
  const out = ['# Benchmark charts', '', `Rendered by \`npm run bench -- --report\` from \`${resultsDir}/*.json\` with Vega-Lite. Each chart names its run date in its subtitle.`, ''];
  for (const l of lines) {
    if (l.outcome === 'written') out.push(`## ${l.suite}`, '', `${l.note}.`, '', `![${l.note}](${l.file})`, '');
  }
  const skipped = lines.filter((l) => l.outcome === 'skipped');
  if (skipped.length > 0) {
    out.push('## Not drawn', '');
    for (const l of skipped) out.push(`- \`${l.file}\` (${l.suite}): ${l.note}`);
    out.push('');
  }
  return out.join('\n');
}

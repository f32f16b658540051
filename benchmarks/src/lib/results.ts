import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem, platform, arch, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The headline figure of a suite: `value` against `baseline` measured in the same run, and the
 * target as text. `ratio` is `value / baseline`, or `null` without a baseline.
 */
export interface Headline {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  target: string;
}

/** The machine a result was measured on. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  totalMemoryBytes: number;
  platform: string;
  arch: string;
  osRelease: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    totalMemoryBytes: totalmem(),
    platform: platform(),
    arch: arch(),
    osRelease: release(),
  };
}

/** The `benchmarks/` folder, whatever the current directory (this file is `benchmarks/dist/lib/results.js`). */
export const BENCHMARKS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where suites write `<suite>.json`. */
export const RESULTS_DIR = join(BENCHMARKS_DIR, 'results');

/** The fields every results file starts with. */
export interface ResultHeader {
  suite: string;
  date: string;
  node: string;
  machine: MachineInfo;
}

export function resultHeader(suite: string): ResultHeader {
  return { suite, date: new Date().toISOString(), node: process.version, machine: machineInfo() };
}

/**
 * Writes `benchmarks/results/<suite>.json` (creating the folder) and returns its path. The body
 * must carry a `headline`; anything else is suite-specific detail.
 */
export async function writeResults(suite: string, body: Record<string, unknown> & { headline: Headline }): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${suite}.json`);
  const header = resultHeader(suite);
  await writeFile(path, JSON.stringify({ ...header, ...body }, null, 2) + '\n');
  return path;
}

import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SuiteValues } from './suite.js';

/**
 * Node flags that make child processes write CPU profiles to the folder named by flag `name`
 * (created if missing), or none when the flag is absent. Worker threads started by those
 * processes with their parent's flags write profiles there too.
 */
export async function childProfileArgv(values: SuiteValues, name = 'child-cpu-prof'): Promise<string[]> {
  const dir = values[name];
  if (typeof dir !== 'string') return [];
  const path = resolve(dir);
  await mkdir(path, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${path}`];
}

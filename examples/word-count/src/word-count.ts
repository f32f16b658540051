import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Gluster } from '@armada/scheduler';
import { countWords } from './functions.js';

/** The function file, next to this module once built. */
export const FUNCTIONS_FILE = fileURLToPath(new URL('./functions.js', import.meta.url));

const EXAMPLE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The excerpt kept in the example, for tests and when the full text is not there. */
export const EXCERPT = path.join(EXAMPLE_ROOT, 'data', 'moby-dick-excerpt.txt');
/** The full text in the project's shared data folder, which sits beside the repository. */
export const FULL_TEXT = path.resolve(EXAMPLE_ROOT, '..', '..', '..', 'shared', 'data', 'moby-dick.txt');

/** Reads `file`, or the full text when it is there, else the excerpt. */
export function readText(file?: string): { text: string; file: string } {
  const chosen = file ?? (existsSync(FULL_TEXT) ? FULL_TEXT : EXCERPT);
  return { text: readFileSync(chosen, 'utf8'), file: chosen };
}

/** Splits `text` into chunks of about `chunkChars` characters, at line ends so no word is cut. */
export function chunks(text: string, chunkChars: number): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + chunkChars);
    if (end < text.length) {
      const newline = text.indexOf('\n', end);
      end = newline < 0 ? text.length : newline + 1;
    }
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
}

/** Adds histogram `from` into `into`. */
export function merge(into: Map<string, number>, from: Map<string, number>): Map<string, number> {
  for (const [word, n] of from) into.set(word, (into.get(word) ?? 0) + n);
  return into;
}

/** The single-thread reference: the same counting over the whole text, `times` times. */
export function countLocal(text: string, times: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let t = 0; t < times; t++) merge(counts, countWords(text));
  return counts;
}

/**
 * Counts `text` repeated `times` times on the cluster: one `runDist` per chunk, histograms merged
 * as they come back.
 */
export async function countDistributed(g: Gluster, text: string, times: number, chunkChars: number): Promise<Map<string, number>> {
  await g.importFunctionFile(FUNCTIONS_FILE);
  const parts = chunks(text, chunkChars);
  const ids: string[] = [];
  for (let t = 0; t < times; t++) for (const part of parts) ids.push(g.runDist('functions.countWords', part));
  const counts = new Map<string, number>();
  await Promise.all(ids.map((id) => g.result(id).then((histogram) => merge(counts, histogram as Map<string, number>))));
  return counts;
}

/** True when both histograms hold the same words with the same counts. */
export function sameHistogram(x: Map<string, number>, y: Map<string, number>): boolean {
  if (x.size !== y.size) return false;
  for (const [word, n] of x) if (y.get(word) !== n) return false;
  return true;
}

/** Total words in a histogram. */
export function totalWords(counts: Map<string, number>): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  return total;
}

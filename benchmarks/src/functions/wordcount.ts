// The W6 function file, shipped to machine processes by importFunctionFile.

/** Words: runs of letters, with inner apostrophes (`whale's`), lower-cased. */
const WORD = /[a-z]+(?:'[a-z]+)*/g;

/** The histogram of one chunk of text: word → occurrences. */
export function countWords(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of text.toLowerCase().matchAll(WORD)) {
    const word = match[0];
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

/** The single-thread baseline: the whole text counted `times` times into one histogram. */
export function countRepeated(text: string, times: number): Map<string, number> {
  const total = new Map<string, number>();
  for (let t = 0; t < times; t++) {
    for (const [word, n] of countWords(text)) total.set(word, (total.get(word) ?? 0) + n);
  }
  return total;
}

/**
 * The histogram of characters [start, end) of `text` repeated over and over (copy c covers
 * [c·L, (c+1)·L)), so a job counts its range of the x-times text from one shared copy. `start`
 * and `end` must fall at line ends (or 0 / the end), so no word is cut.
 */
export function countRange(text: string, start: number, end: number): Map<string, number> {
  const total = new Map<string, number>();
  const length = text.length;
  for (let at = start; at < end; ) {
    const copyStart = Math.floor(at / length) * length;
    const stop = Math.min(end, copyStart + length);
    for (const [word, n] of countWords(text.slice(at - copyStart, stop - copyStart))) total.set(word, (total.get(word) ?? 0) + n);
    at = stop;
  }
  return total;
}

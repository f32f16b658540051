/** The function file shipped to the machines (`importFunctionFile`): everything here runs remotely. */

/** Words: runs of letters, with inner apostrophes (`whale's`), lower-cased. */
const WORD = /[a-z]+(?:'[a-z]+)*/g;

/** Adds the words of `text` to `counts`. */
function addWords(counts: Map<string, number>, text: string): void {
  for (const match of text.toLowerCase().matchAll(WORD)) {
    const word = match[0];
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
}

/** The histogram of one chunk of text: word → occurrences. */
export function countWords(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  addWords(counts, text);
  return counts;
}

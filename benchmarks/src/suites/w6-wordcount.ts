/**
 * Suite `w6-wordcount` (WORKLOADS.md W6, Gluster's word count): Moby Dick x10 and x100, split
 * into chunks at line ends, one `runDist('wordcount.countWords', chunk)` job per chunk over
 * machine processes (default 2 x 1 agent), histograms merged in the master as they arrive.
 * Baseline: the same counting over the whole text on one thread of this process (so the master
 * keeps answering heartbeats), timed in that thread. Two ways, each checked against the local
 * histogram:
 *
 * - `chunks`: each chunk (`--chunk-chars`) travels as its job's argument, so x100 moves the text
 *   100 times and the master merges one histogram per chunk;
 * - `shared`: the text is `share`d (it reaches each machine once) and `--jobs` jobs each count a
 *   range of the x-times text (`countRange(text, start, end)`, ranges cut at line ends), so the
 *   master merges one histogram per job.
 *
 * The text: `--text PATH`, else `../shared/data/moby-dick.txt` beside the repository.
 * Headline: the x100 speedup in words/s of the faster way.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Gluster } from '@armada/scheduler';
import { startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import {
  BENCHMARKS_DIR,
  childProfileArgv,
  formatFixed,
  formatNumber,
  formatRatio,
  intFlag,
  median,
  printTable,
  round,
  startLocalThread,
  startMachineCluster,
  UsageError,
  writeResults,
  type MachineCluster,
  type Suite,
  type SuiteValues,
} from '../lib/index.js';

const SUITE = 'w6-wordcount';
const TARGET = '>= 1.7x words/s on 2 machine processes at x10 and x100; histogram identical to the local count';
const WORDCOUNT_URL = new URL('../functions/wordcount.js', import.meta.url);
const DEFAULT_TEXT = path.resolve(BENCHMARKS_DIR, '..', '..', 'shared', 'data', 'moby-dick.txt');

function chunks(text: string, chunkChars: number): string[] {
  const out: string[] = [];
  for (let start = 0; start < text.length; ) {
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

function same(x: Map<string, number>, y: Map<string, number>): boolean {
  if (x.size !== y.size) return false;
  for (const [w, n] of x) if (y.get(w) !== n) return false;
  return true;
}

type Mode = 'chunks' | 'shared';
const MODES: readonly Mode[] = ['chunks', 'shared'];

/** `count` ranges of [0, total) cut at line ends of the repeated text. */
function ranges(text: string, total: number, count: number): Array<[number, number]> {
  const cuts = [0];
  for (let k = 1; k < count; k++) {
    const at = Math.floor((total * k) / count);
    const inCopy = at % text.length;
    const newline = text.indexOf('\n', inCopy);
    const cut = newline < 0 ? at - inCopy + text.length : at - inCopy + newline + 1;
    if (cut > cuts.at(-1)! && cut < total) cuts.push(cut);
  }
  cuts.push(total);
  return cuts.slice(1).map((end, k) => [cuts[k]!, end]);
}

interface TimesResult {
  mode: Mode;
  times: number;
  words: number;
  localMs: number[];
  distributedMs: number[];
  speedup: number;
  identical: boolean;
}

async function run(values: SuiteValues): Promise<void> {
  const file = typeof values.text === 'string' ? values.text : DEFAULT_TEXT;
  if (!existsSync(file)) throw new UsageError(`no text at ${file}; pass --text PATH`);
  const timesList = String(values.times ?? '10,100').split(',').map(Number);
  if (!timesList.every((t) => Number.isInteger(t) && t > 0)) throw new UsageError('--times takes a comma-separated list of positive integers');
  const rounds = intFlag(values, 'rounds');
  const machinesCount = intFlag(values, 'machines');
  const agents = intFlag(values, 'agents');
  const chunkChars = intFlag(values, 'chunk-chars');
  const jobs = intFlag(values, 'jobs');
  const text = readFileSync(file, 'utf8');
  const execArgv = await childProfileArgv(values);
  const parts = chunks(text, chunkChars);
  console.log(`suite ${SUITE}: ${path.basename(file)} x ${timesList.join(', x')}, ${parts.length} chunks per copy, over ${machinesCount} machine process(es) x ${agents}, ${rounds} round(s)`);

  let server: NatsServerHandle | undefined;
  let machines: MachineCluster | undefined;
  const local = startLocalThread(WORDCOUNT_URL, 'countRepeated');
  const results: TimesResult[] = [];
  try {
    server = await startNatsServer();
    machines = await startMachineCluster(server.url, { machines: machinesCount, agents, execArgv, master: { deadAfterMs: 10_000 } });
    const g = new Gluster(machines.cluster);
    await g.importFunctionFile(fileURLToPath(WORDCOUNT_URL));
    const shared = await g.share(text);
    const distributed = async (times: number, mode: Mode = 'chunks') => {
      const counts = new Map<string, number>();
      const ids: string[] = [];
      if (mode === 'shared') for (const [start, end] of ranges(text, text.length * times, jobs)) ids.push(g.runDist('wordcount.countRange', shared, start, end));
      else for (let t = 0; t < times; t++) for (const part of parts) ids.push(g.runDist('wordcount.countWords', part));
      await Promise.all(
        ids.map((id) =>
          g.result(id).then((h) => {
            for (const [w, n] of h as Map<string, number>) counts.set(w, (counts.get(w) ?? 0) + n);
          }),
        ),
      );
      return counts;
    };
    // Warm threads and module, and bring the shared text to every machine, untimed.
    await distributed(1);
    await distributed(1, 'shared');
    for (const times of timesList) {
      const byMode = new Map(MODES.map((mode): [Mode, TimesResult] => [mode, { mode, times, words: 0, localMs: [], distributedMs: [], speedup: 0, identical: true }]));
      for (let k = 0; k < rounds; k++) {
        const { ms, value: expected } = await local.call<Map<string, number>>([text, times]);
        for (const mode of k % 2 === 0 ? MODES : [...MODES].reverse()) {
          const r = byMode.get(mode)!;
          r.localMs.push(ms);
          const started = performance.now();
          const counts = await distributed(times, mode);
          r.distributedMs.push(performance.now() - started);
          r.identical &&= same(counts, expected);
          r.words = [...expected.values()].reduce((a, b) => a + b, 0);
        }
      }
      for (const r of byMode.values()) {
        r.speedup = median(r.localMs) / median(r.distributedMs);
        results.push(r);
        console.log(`x${times} ${r.mode}: local ${formatFixed(median(r.localMs), 0)} ms, distributed ${formatFixed(median(r.distributedMs), 0)} ms, ${formatRatio(r.speedup)}, histogram identical: ${r.identical}`);
      }
    }
  } finally {
    await local.close();
    await machines?.close();
    await server?.stop();
  }

  console.log('');
  printTable(
    ['text', 'way', 'words', 'local words/s', 'distributed words/s', 'speedup', 'identical'],
    results.map((r) => [
      `x${r.times}`,
      r.mode === 'chunks' ? `chunks of ${formatNumber(chunkChars, 0)} chars as arguments` : `text shared, ${jobs} range jobs`,
      formatNumber(r.words, 0),
      formatNumber(r.words / (median(r.localMs) / 1000), 0),
      formatNumber(r.words / (median(r.distributedMs) / 1000), 0),
      formatRatio(r.speedup),
      String(r.identical),
    ]),
  );
  const topTimes = timesList.includes(100) ? 100 : timesList.at(-1)!;
  const top = results.filter((r) => r.times === topTimes).sort((a, b) => b.speedup - a.speedup)[0]!;
  const headline = {
    name: `word count speedup in words/s, x${top.times} (${top.mode}), ${machinesCount} machine processes`,
    value: round(top.speedup, 3),
    unit: 'x',
    baseline: 1,
    ratio: round(top.speedup, 3),
    target: TARGET,
  };
  const out = await writeResults(SUITE, {
    params: { text: path.basename(file), times: timesList, rounds, machines: machinesCount, agents, chunkChars, chunksPerCopy: parts.length, jobs },
    results: results.map((r) => ({ ...r, localMs: r.localMs.map((v) => round(v)), distributedMs: r.distributedMs.map((v) => round(v)), speedup: round(r.speedup, 3) })),
    headline,
  });
  console.log(`\n${headline.name}: ${formatRatio(top.speedup)}; histograms identical: ${results.every((r) => r.identical)} (target ${TARGET})`);
  console.log(`results: ${out}`);
}

export const w6WordcountSuite: Suite = {
  name: SUITE,
  description: 'W6 word count: Moby Dick x10 and x100 in runDist chunks, words/s against a local count, histogram identical',
  options: {
    text: { type: 'string' },
    times: { type: 'string', default: '10,100' },
    rounds: { type: 'string', default: '1' },
    machines: { type: 'string', default: '2' },
    agents: { type: 'string', default: '1' },
    'chunk-chars': { type: 'string', default: '262144' },
    jobs: { type: 'string', default: '8' },
    'child-cpu-prof': { type: 'string' },
  },
  usage: [
    '--text PATH        the text (default ../shared/data/moby-dick.txt beside the repository)',
    '--times LIST       copies of the text counted (default 10,100)',
    '--rounds N         rounds per size (default 1)',
    '--machines N       machine processes (default 2)',
    '--agents N         agents per machine (default 1)',
    '--chunk-chars N    characters per chunk, chunks way (default 262144)',
    '--jobs N           range jobs over the shared text, shared way (default 8)',
    '--child-cpu-prof D run the machines with --cpu-prof, writing to folder D',
  ],
  run,
};

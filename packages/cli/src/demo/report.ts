import type { DemoRow } from './experiment.js';

/** The rows as CSV, like DLisp's results.csv: `run,placement,stealing,ms,speedup`. */
export function toCsv(rows: readonly DemoRow[]): string {
  const lines = ['run,placement,stealing,ms,speedup'];
  for (const r of rows) lines.push([r.run, r.placement, r.stealing === undefined ? '' : r.stealing ? 'on' : 'off', r.ms.toFixed(1), r.speedup.toFixed(2)].join(','));
  return lines.join('\n') + '\n';
}

/** The rows as an aligned table for a terminal: every run of a row, the best, and the best over map's best. */
export function toTable(rows: readonly DemoRow[]): string {
  const cells = [['RUN', 'PLACEMENT', 'STEALING', 'RUNS', 'BEST', 'VS MAP']];
  for (const r of rows) {
    const runs = r.runs.map((ms) => (ms / 1000).toFixed(2)).join(' / ');
    cells.push([r.run, r.placement, r.stealing === undefined ? '-' : r.stealing ? 'on' : 'off', `${runs} s`, `${(r.ms / 1000).toFixed(2)} s`, `${r.speedup.toFixed(2)}x`]);
  }
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  return cells.map((row) => row.map((cell, c) => (c >= 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n') + '\n';
}

/** One or two lines that say what the figures mean. */
export function explain(rows: readonly DemoRow[], cores: number, where: string): string {
  const map = rows.find((r) => r.run === 'map')!;
  const pmaps = rows.filter((r) => r.run === 'pmap');
  const pmap = pmaps.reduce<DemoRow | undefined>((a, b) => (a === undefined || b.speedup > a.speedup ? b : a), undefined);
  const first = pmaps[0];
  const dmaps = rows.filter((r) => r.run === 'dmap');
  const best = dmaps.reduce((a, b) => (b.speedup > a.speedup ? b : a), dmaps[0]!);
  const on = dmaps.filter((r) => r.stealing === true);
  const off = dmaps.filter((r) => r.stealing === false);
  const mean = (xs: DemoRow[]) => xs.reduce((s, r) => s + r.speedup, 0) / Math.max(1, xs.length);
  const beat = (xs: DemoRow[]) => xs.filter((r) => r.speedup > 1).length;
  const all = [...pmaps, ...dmaps];
  const pays =
    beat(all) === all.length
      ? `every pmap and dmap row beat it`
      : beat(all) === 0
        ? 'distribution did NOT pay off (the machine may be busy: try again, or a larger --up-to)'
        : `${beat(pmaps)} of ${pmaps.length} pmap and ${beat(dmaps)} of ${dmaps.length} dmap rows beat it`;
  return (
    `map took ${(map.ms / 1000).toFixed(2)} s on one thread (the faster of ${map.runs.length} runs); ${pays}: best dmap (${best.placement}, stealing ${best.stealing ? 'on' : 'off'}) ` +
    `${best.speedup.toFixed(2)}x${pmap !== undefined ? `, pmap (${pmap.placement}) ${pmap.speedup.toFixed(2)}x` : ''} on ${where} (this host has ${cores} cores; the most to expect is about ${cores}x).\n` +
    (first !== undefined && pmaps.length > 1
      ? `pmap keeps one pool of threads per process: its first call (${first.speedup.toFixed(2)}x) includes starting them, later calls reuse them.\n`
      : '') +
    (best.speedup > cores * 1.15 ? `Above ${cores}x means the host was busier during the map run than later (a shared host): run again for steadier figures.\n` : '') +
    `Stealing on averages ${mean(on).toFixed(2)}x, off ${mean(off).toFixed(2)}x: ` +
    (mean(on) > mean(off) * 1.03
      ? 'idle agents take queued work from slow or busy ones.'
      : 'no clear gain here. Stealing pays when some workers are slower or busier than others (on a fleet, start machines with --slow-fraction to see it).')
  );
}

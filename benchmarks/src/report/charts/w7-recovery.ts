import { at, chart, COLORS, num, provenance, skip, type Chart } from '../chart.js';

/** W7: results per 100 ms through a run with one machine SIGKILLed, the kill and its detection marked. */
export const w7Chart: Chart = {
  file: 'w7-recovery.svg',
  suite: 'w7-recovery',
  caption: 'W7 recovery: results per 100 ms with one of 4 machines SIGKILLed, the kill, its detection and the bound marked',
  build(results) {
    const rounds = at(results, 'rounds');
    if (!Array.isArray(rounds) || rounds.length === 0) return skip('no rounds[] in w7-recovery.json');
    const withTimeline = rounds.filter((r) => Array.isArray(at(r, 'kill.timeline.results')));
    if (withTimeline.length === 0) return skip('w7-recovery.json has no timeline (results per 100 ms): re-run `npm run bench -- w7-recovery`');
    // The round whose kill run's makespan is the median.
    const sorted = [...withTimeline].sort((a, b) => (num(a, 'kill.makespanMs') ?? 0) - (num(b, 'kill.makespanMs') ?? 0));
    const round = sorted[Math.floor((sorted.length - 1) / 2)];
    const bucketMs = num(round, 'kill.timeline.bucketMs') ?? 100;
    const series = (run: 'kill' | 'baseline', label: string) =>
      ((at(round, `${run}.timeline.results`) as number[] | undefined) ?? []).map((n, i) => ({ run: label, t: ((i + 0.5) * bucketMs) / 1000, n }));
    const points = [...series('kill', 'one machine SIGKILLed'), ...series('baseline', 'no kill (same round)')];
    const killAt = num(round, 'kill.killAtMs');
    const detected = num(round, 'kill.detectedAfterMs');
    const baseline = num(round, 'baseline.makespanMs');
    const bound = num(round, 'boundMs');
    const marks: Array<{ t: number; label: string; color: string }> = [];
    if (killAt !== undefined) marks.push({ t: killAt / 1000, label: 'SIGKILL', color: COLORS.kill });
    if (killAt !== undefined && detected !== undefined) marks.push({ t: (killAt + detected) / 1000, label: `declared dead (+${(detected / 1000).toFixed(2)} s)`, color: COLORS.detect });
    if (baseline !== undefined && bound !== undefined) marks.push({ t: (baseline + bound) / 1000, label: 'target: latest finish', color: COLORS.bound });
    const correct = num(round, 'kill.correct');
    const duplicates = num(round, 'kill.duplicates');
    const packets = num(results, 'params.packets');
    const extra = num(round, 'extraMs');
    return chart({
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: {
        text: 'W7: recovery from a SIGKILLed machine (1 of 4), results per 100 ms',
        subtitle: [
          `${correct ?? '?'} / ${packets ?? '?'} results, ${duplicates ?? '?'} duplicates; extra makespan ${extra === undefined ? '?' : (extra / 1000).toFixed(2)} s against a bound of ${bound === undefined ? '?' : (bound / 1000).toFixed(2)} s (detection + the lost machine's share)`,
          `5 ms timer tasks, 4 machine processes × 2 agents, heartbeat 250 ms, deadAfterMs ${num(results, 'params.deadAfterMs') ?? '?'}; median round; ${provenance(results)}`,
        ],
      },
      width: 640,
      height: 280,
      layer: [
        {
          data: { values: points },
          mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
          encoding: {
            x: { field: 't', type: 'quantitative', title: 'time since the start of the dmap (s)' },
            y: { field: 'n', type: 'quantitative', title: 'results per 100 ms' },
            color: { field: 'run', type: 'nominal', title: null, sort: ['one machine SIGKILLed', 'no kill (same round)'], scale: { range: [COLORS.armada, COLORS.baseline] }, legend: { orient: 'top', labelLimit: 300 } },
          },
        },
        { data: { values: marks }, mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { x: { field: 't', type: 'quantitative' }, color: { field: 'color', type: 'nominal', scale: null } } },
        {
          data: { values: marks },
          mark: { type: 'text', angle: 270, align: 'right', baseline: 'bottom', dx: -4, dy: -3, y: 0, fontSize: 10 },
          encoding: { x: { field: 't', type: 'quantitative' }, text: { field: 'label' }, color: { field: 'color', type: 'nominal', scale: null } },
        },
      ],
      resolve: { scale: { color: 'independent' } },
    });
  },
};

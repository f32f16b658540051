import { at, chart, COLORS, num, provenance, skip, type Chart } from '../chart.js';

const MODES = ['round-robin', 'low-latency', 'by-memory'];

/** W3: makespan per placement mode with stealing on and off, against the lower bound and the target (DLisp's comparison). */
export const w3Chart: Chart = {
  file: 'w3-makespan.svg',
  suite: 'w3-steal',
  caption: 'W3 skew + slow workers: makespan by placement mode, stealing on and off, with the lower bound and the target',
  build(results) {
    const medians = at(results, 'medians');
    const lb = num(results, 'lowerBound.lbMs');
    if (medians === undefined || typeof medians !== 'object' || lb === undefined) return skip('no medians or lowerBound.lbMs in w3-steal.json');
    const rows: Array<{ mode: string; stealing: string; makespan: number; efficiency: number }> = [];
    for (const [mode, m] of Object.entries(medians as Record<string, unknown>)) {
      for (const [key, label] of [['stealingOn', 'stealing on'], ['stealingOff', 'stealing off']] as const) {
        const makespan = num(m, `${key}.makespanMs`);
        const efficiency = num(m, `${key}.efficiency`);
        if (makespan !== undefined && efficiency !== undefined) rows.push({ mode, stealing: label, makespan, efficiency });
      }
    }
    if (rows.length === 0) return skip('w3-steal.json has no makespans per mode');
    const target = lb / 0.95;
    const rules = [
      { y: lb, label: `lower bound LB ${(lb / 1000).toFixed(3)} s`, color: '#555', dy: 9 },
      { y: target, label: `target: efficiency ≥ 0.95 (≤ ${(target / 1000).toFixed(3)} s)`, color: COLORS.target, dy: -4 },
    ];
    return chart({
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: {
        text: 'W3: makespan of 1,000 skewed tasks on 16 workers (4 slow), by placement mode',
        subtitle: [`2 machine processes × 8 agents; bars: median makespan, labels: efficiency = LB / makespan`, provenance(results)],
      },
      width: 520,
      height: 300,
      layer: [
        {
          data: { values: rows },
          mark: { type: 'bar' },
          encoding: {
            x: { field: 'mode', type: 'nominal', title: 'placement mode', sort: MODES, axis: { labelAngle: 0 } },
            xOffset: { field: 'stealing', sort: ['stealing on', 'stealing off'] },
            y: { field: 'makespan', type: 'quantitative', title: 'makespan (ms)' },
            color: { field: 'stealing', type: 'nominal', title: null, sort: ['stealing on', 'stealing off'], scale: { range: [COLORS.armada, COLORS.baseline] }, legend: { orient: 'top' } },
          },
        },
        {
          data: { values: rows },
          mark: { type: 'text', dy: -6, fontSize: 10 },
          encoding: {
            x: { field: 'mode', type: 'nominal', sort: MODES },
            xOffset: { field: 'stealing', sort: ['stealing on', 'stealing off'] },
            y: { field: 'makespan', type: 'quantitative' },
            text: { field: 'efficiency', type: 'quantitative', format: '.3f' },
          },
        },
        {
          data: { values: rules },
          mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.5 },
          encoding: { y: { field: 'y', type: 'quantitative' }, color: { field: 'color', type: 'nominal', scale: null } },
        },
        ...rules.map((rule) => ({
          data: { values: [rule] },
          mark: { type: 'text' as const, align: 'left' as const, fontSize: 10, x: 524, dy: rule.dy, color: rule.color },
          encoding: { y: { field: 'y', type: 'quantitative' as const }, text: { field: 'label' } },
        })),
      ],
      resolve: { scale: { color: 'independent' } },
    });
  },
};

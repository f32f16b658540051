import { at, chart, COLORS, num, provenance, skip, type Chart } from '../chart.js';

/** The master's scale curve on the simulated cluster: master CPU per packet against fleet size. */
export const scaleChart: Chart = {
  file: 'scale.svg',
  suite: 'scale',
  caption: "Scale: the master's CPU per packet as the simulated fleet grows, with the flat-within-2x target",
  build(results) {
    const curve = at(results, 'curve');
    if (!Array.isArray(curve)) return skip('no curve[] in scale.json');
    const points = curve.flatMap((p) => {
      const machines = num(p, 'machines');
      const cpu = num(p, 'masterCpuMicrosPerPacket');
      const stealing = at(p, 'stealing') === true ? 'stealing on' : 'stealing off';
      return machines === undefined || cpu === undefined ? [] : [{ machines, cpu, stealing, efficiency: num(p, 'efficiency') }];
    });
    if (points.length === 0) return skip('scale.json has no points with machines and masterCpuMicrosPerPacket');
    const smallest = Math.min(...points.map((p) => p.machines));
    const base = points.find((p) => p.machines === smallest && p.stealing === 'stealing off') ?? points.find((p) => p.machines === smallest)!;
    const rule = [{ y: 2 * base.cpu, label: `target: ≤ 2x the ${smallest}-machine figure (${(2 * base.cpu).toFixed(0)} µs)` }];
    const missing = at(results, 'missing');
    const missingNote = Array.isArray(missing) && missing.length > 0 ? `not measured: ${missing.map((m) => `${num(m, 'machines') ?? '?'} machines`).join(', ')}` : 'all fleet sizes measured';
    const agents = num(results, 'params.agents');
    return chart({
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: {
        text: "Scale: the master's CPU per packet as the fleet grows (simulated cluster)",
        subtitle: [`W3-like job, ${agents ?? '?'} agents per machine; ${missingNote}`, provenance(results)],
      },
      width: 480,
      height: 280,
      layer: [
        {
          data: { values: points },
          mark: { type: 'line', point: { size: 60 } },
          encoding: {
            x: { field: 'machines', type: 'quantitative', scale: { type: 'log' }, title: 'machines (log scale)', axis: { format: ',d' } },
            y: { field: 'cpu', type: 'quantitative', title: 'master CPU per packet (µs)' },
            color: { field: 'stealing', type: 'nominal', title: null, scale: { range: [COLORS.armada, COLORS.baseline] }, legend: { orient: 'top' } },
          },
        },
        {
          data: { values: points },
          mark: { type: 'text', dy: -10, fontSize: 10 },
          encoding: { x: { field: 'machines', type: 'quantitative', scale: { type: 'log' } }, y: { field: 'cpu', type: 'quantitative' }, text: { field: 'cpu', type: 'quantitative', format: '.0f' } },
        },
        { data: { values: rule }, mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.5, color: COLORS.target }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        {
          data: { values: rule },
          mark: { type: 'text', align: 'left', x: { expr: 'width + 4' }, dy: 3, fontSize: 10, color: COLORS.target },
          encoding: { y: { field: 'y', type: 'quantitative' }, text: { field: 'label' } },
        },
      ],
    });
  },
};

import { chart, COLORS, num, provenance, skip, type Chart } from '../chart.js';

/** W1: dmap tiny-task throughput against raw NATS request/reply in the same run. */
export const w1Chart: Chart = {
  file: 'w1-throughput.svg',
  suite: 'w1-tiny',
  caption: 'W1 tiny tasks: dmap tasks/s against raw NATS request/reply, with the target',
  build(results) {
    const raw = num(results, 'medians.raw.perSecond');
    const dmap = num(results, 'medians.dmap.perSecond');
    if (raw === undefined || dmap === undefined) return skip('no medians.raw.perSecond / medians.dmap.perSecond in w1-tiny.json');
    const bars = [
      { side: 'raw NATS request/reply (256 in flight)', value: raw, color: COLORS.baseline },
      { side: 'Armada dmap (batched)', value: dmap, color: COLORS.armada },
    ];
    const rule = [{ y: raw, label: `target: ≥ 1.0x raw NATS (${Math.round(raw).toLocaleString('en-US')} tasks/s)` }];
    return chart({
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: {
        text: `W1: 100,000 tiny tasks (x => x + 1), throughput — ${(dmap / raw).toFixed(2)}x raw NATS`,
        subtitle: ['2 machine processes × 1 agent; submit to last result', provenance(results)],
      },
      width: 420,
      height: 260,
      layer: [
        {
          data: { values: bars },
          mark: { type: 'bar', width: 70 },
          encoding: {
            x: { field: 'side', type: 'nominal', title: null, sort: null, axis: { labelAngle: 0, labelLimit: 220 } },
            y: { field: 'value', type: 'quantitative', title: 'tasks per second' },
            color: { field: 'color', type: 'nominal', scale: null },
          },
        },
        {
          data: { values: bars },
          mark: { type: 'text', dy: -6, fontSize: 11 },
          encoding: { x: { field: 'side', type: 'nominal', sort: null }, y: { field: 'value', type: 'quantitative' }, text: { field: 'value', type: 'quantitative', format: ',.0f' } },
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

/** W2: one-packet round trip percentiles, dmap against raw NATS, with the p50 target. */
export const w2Chart: Chart = {
  file: 'w2-rtt.svg',
  suite: 'w2-rtt',
  caption: 'W2 round trip: p50 / p90 / p99 of a one-packet call against raw NATS, with the p50 target',
  build(results) {
    const rows: Array<{ side: string; percentile: string; micros: number }> = [];
    for (const [key, side] of [['rawMicros', 'raw NATS'], ['dmapMicros', 'Armada dmap'], ['runDistMicros', 'Armada runDist']] as const) {
      for (const p of ['p50', 'p90', 'p99']) {
        const v = num(results, `medians.${key}.${p}`);
        if (v !== undefined) rows.push({ side, percentile: p, micros: v });
      }
    }
    const rawP50 = num(results, 'medians.rawMicros.p50');
    const dmapP50 = num(results, 'medians.dmapMicros.p50');
    if (rawP50 === undefined || dmapP50 === undefined) return skip('no medians.rawMicros.p50 / medians.dmapMicros.p50 in w2-rtt.json');
    const runDistP50 = num(results, 'medians.runDistMicros.p50');
    const sides = ['raw NATS', 'Armada dmap', ...(runDistP50 !== undefined ? ['Armada runDist'] : [])];
    const ratios = `dmap ${(dmapP50 / rawP50).toFixed(2)}x${runDistP50 !== undefined ? `, runDist ${(runDistP50 / rawP50).toFixed(2)}x` : ''}`;
    const rule = [{ y: 1.3 * rawP50, label: `target: p50 ≤ 1.3x raw = ${Math.round(1.3 * rawP50)} µs` }];
    return chart({
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: {
        text: `W2: round trip of one tiny call, sequential — p50 vs raw NATS: ${ratios}`,
        subtitle: ['2,000 calls per round, 1 machine process × 1 agent', provenance(results)],
      },
      width: 420,
      height: 260,
      layer: [
        {
          data: { values: rows },
          mark: { type: 'bar' },
          encoding: {
            x: { field: 'percentile', type: 'nominal', title: 'percentile', axis: { labelAngle: 0 } },
            xOffset: { field: 'side', sort: sides },
            y: { field: 'micros', type: 'quantitative', title: 'round trip (µs)' },
            color: { field: 'side', type: 'nominal', title: null, sort: sides, scale: { range: [COLORS.baseline, COLORS.armada, '#7a4fd0'] }, legend: { orient: 'top' } },
          },
        },
        {
          data: { values: rows },
          mark: { type: 'text', dy: -6, fontSize: 10 },
          encoding: {
            x: { field: 'percentile', type: 'nominal' },
            xOffset: { field: 'side', sort: sides },
            y: { field: 'micros', type: 'quantitative' },
            text: { field: 'micros', type: 'quantitative', format: '.0f' },
          },
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

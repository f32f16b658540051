import { at, chart, COLORS, num, provenance, skip, targetNumber, type Chart, type ChartBuild } from '../chart.js';

interface Bar {
  readonly group: string;
  readonly variant: string;
  readonly speedup: number;
  readonly armada: boolean;
}

/** Bars of speedup per variant in groups, the 1x baseline and a target line per group. */
function speedupChart(title: string, subtitle: string[], bars: Bar[], targets: Array<{ group: string; target: number }>, baselineLabel: string): ChartBuild {
  const rules = [
    ...targets.map((t) => ({ group: t.group, y: t.target, label: `target ${t.target}x`, color: COLORS.target })),
    ...[...new Set(bars.map((b) => b.group))].map((group) => ({ group, y: 1, label: baselineLabel, color: '#555' })),
  ];
  const variants = [...new Set(bars.map((b) => b.variant))];
  const groups = [...new Set(bars.map((b) => b.group))];
  const width = Math.max(160, 48 * variants.length);
  return chart({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    data: { values: [...bars.map((b) => ({ ...b, kind: 'bar' })), ...rules.map((r) => ({ ...r, kind: 'rule' }))] },
    facet: { column: { field: 'group', type: 'nominal', title: null, sort: groups, header: { labelFontSize: 12, labelFontWeight: 'bold' } } },
    spacing: 90,
    spec: {
      width,
      height: 260,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'bar'" }],
          mark: { type: 'bar' },
          encoding: {
            x: { field: 'variant', type: 'nominal', title: null, sort: variants, axis: { labelAngle: -30 } },
            y: { field: 'speedup', type: 'quantitative', title: 'speedup over the baseline (x)' },
            color: { field: 'armada', type: 'nominal', scale: { domain: [true, false], range: [COLORS.armada, COLORS.baseline] }, legend: null },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'bar'" }],
          mark: { type: 'text', dy: -6, fontSize: 10 },
          encoding: {
            x: { field: 'variant', type: 'nominal', sort: variants },
            y: { field: 'speedup', type: 'quantitative' },
            text: { field: 'speedup', type: 'quantitative', format: '.2f' },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'rule'" }],
          mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.5 },
          encoding: { y: { field: 'y', type: 'quantitative' }, color: { field: 'color', type: 'nominal', scale: null } },
        },
        {
          transform: [{ filter: "datum.kind === 'rule'" }],
          mark: { type: 'text', align: 'left', x: width + 4, dy: 3, fontSize: 10 },
          encoding: { y: { field: 'y', type: 'quantitative' }, text: { field: 'label' }, color: { field: 'color', type: 'nominal', scale: null } },
        },
      ],
    },
    resolve: { scale: { color: 'independent' } },
  });
}

/** WORKLOADS.md's W4 targets per input range. */
const W4_TARGETS: Record<string, number> = { '0..999': 1.6, '0..2999': 1.85 };

/** W4: speedup of each variant over `map` for fac(0..999) and fac(0..2999). */
export const w4Chart: Chart = {
  file: 'w4-speedup.svg',
  suite: 'w4-fac',
  caption: 'W4 factorial: speedup over map of pmap, dmap, Piscina and a static split, with the targets',
  build(results) {
    const medians = at(results, 'medians');
    if (medians === undefined || typeof medians !== 'object') return skip('no medians in w4-fac.json');
    const bars: Bar[] = [];
    const targets: Array<{ group: string; target: number }> = [];
    for (const [size, variants] of Object.entries(medians as Record<string, unknown>)) {
      const group = `fac(${size})`;
      for (const [variant, v] of Object.entries(variants as Record<string, unknown>)) {
        const speedup = num(v, 'speedup');
        if (speedup !== undefined && variant !== 'map') bars.push({ group, variant, speedup, armada: /^(pmap|dmap)/.test(variant) });
      }
      const target = W4_TARGETS[size];
      if (target !== undefined) targets.push({ group, target });
    }
    if (bars.length === 0) return skip('w4-fac.json has no speedups');
    return speedupChart(
      'W4: BigInt factorials, speedup over sequential map',
      ['2 worker threads (pmap, Piscina) or 2 machine processes × 1 agent (dmap); split: a static 2-way split', provenance(results)],
      bars,
      targets,
      'map = 1x',
    );
  },
};

/** W5: distributed matrix multiply speedup over a single-thread local multiply, per size. */
export const w5Chart: Chart = {
  file: 'w5-speedup.svg',
  suite: 'w5-matmul',
  caption: 'W5 matrix multiply: speedup over a single-thread local multiply, with the target',
  build(results) {
    const sizes = at(results, 'sizes');
    if (!Array.isArray(sizes)) return skip('no sizes[] in w5-matmul.json');
    const bars: Bar[] = sizes.flatMap((s) => {
      const n = num(s, 'n');
      const speedup = num(s, 'speedup');
      return n === undefined || speedup === undefined ? [] : [{ group: `N = ${n}`, variant: 'distributed', speedup, armada: true }];
    });
    if (bars.length === 0) return skip('w5-matmul.json has no speedups');
    const target = targetNumber(at(results, 'headline.target')) ?? 1.8;
    const machines = num(results, 'params.machines');
    return speedupChart(
      'W5: matrix multiply C = A·B (Float64Array), speedup over one local thread',
      [`rows of A split into jobs over ${machines ?? '?'} machine processes; B shipped once per machine`, provenance(results)],
      bars,
      [...new Set(bars.map((b) => b.group))].map((group) => ({ group, target })),
      'local = 1x',
    );
  },
};

/** W6: word count speedup in words/s over a single-thread local count, per copy count and mode. */
export const w6Chart: Chart = {
  file: 'w6-speedup.svg',
  suite: 'w6-wordcount',
  caption: 'W6 word count: speedup over a single-thread local count, per text size, with the target',
  build(results) {
    const rows = at(results, 'results');
    if (!Array.isArray(rows)) return skip('no results[] in w6-wordcount.json');
    const bars: Bar[] = rows.flatMap((r) => {
      const times = num(r, 'times');
      const speedup = num(r, 'speedup');
      const mode = at(r, 'mode');
      return times === undefined || speedup === undefined ? [] : [{ group: `Moby Dick ×${times}`, variant: typeof mode === 'string' ? mode : 'distributed', speedup, armada: true }];
    });
    if (bars.length === 0) return skip('w6-wordcount.json has no speedups');
    const target = targetNumber(at(results, 'headline.target')) ?? 1.7;
    const machines = num(results, 'params.machines');
    return speedupChart(
      'W6: word count, speedup in words/s over one local thread',
      [`chunks counted on ${machines ?? '?'} machine processes, histograms merged`, provenance(results)],
      bars,
      [...new Set(bars.map((b) => b.group))].map((group) => ({ group, target })),
      'local = 1x',
    );
  },
};

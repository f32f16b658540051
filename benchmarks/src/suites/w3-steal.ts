/**
 * Suite `w3-steal` (WORKLOADS.md W3, DLisp's SlowWorkers): skewed tasks on a cluster with slow
 * workers. 16 workers = 2 machine processes x 8 agents, each machine started with
 * `--slow-fraction 0.25 --slow-factor 2` (2 slow agents per machine, 4 in all). Task i of 0..999
 * costs c_i = 1 + (i mod 40) ms, simulated with a timer so it uses no CPU (the worker still runs
 * one packet at a time).
 *
 * For every placement mode (`round-robin`, `low-latency`, `by-memory`) with stealing on and off,
 * the makespan of one `dmap` is measured `--repeats` times (the configurations interleaved, so
 * drift hits them alike) and the median kept. Efficiency = LB / makespan, where the lower bound
 * LB = max(Σc_i / (fast workers + slow workers / factor), max c_i) is computed from the parameters
 * (1.464 s for the defaults). The baseline is the same cluster with stealing off.
 */
import { Mode, type ModeName } from '@armada/scheduler';
import { startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import {
  formatFixed,
  formatNumber,
  formatRatio,
  intFlag,
  median,
  printTable,
  ratio,
  round,
  startMachineCluster,
  startTimerProbe,
  UsageError,
  withTimeout,
  writeResults,
  type MachineCluster,
  type Suite,
  type SuiteValues,
} from '../lib/index.js';

const SUITE = 'w3-steal';
const TARGET = '>= 0.95 with stealing in every mode';
const MODES: readonly ModeName[] = [Mode.RoundRobin, Mode.LowLatency, Mode.ByMemory];

interface Params {
  tasks: number;
  /** Task i costs `baseMs + (i mod period)` ms. */
  baseMs: number;
  period: number;
  machines: number;
  agents: number;
  slowFraction: number;
  slowFactor: number;
  repeats: number;
  timeoutMs: number;
}

interface Config {
  mode: ModeName;
  stealing: boolean;
}

interface Run extends Config {
  repeat: number;
  makespanMs: number;
  /** The same-run timer probe's actual / nominal sleep (see `timer-probe.ts`). */
  stretch: number;
  lateMs: number;
}

/** The task: sleeps 1 + (i mod 40) ms. Shipped as source, so the constants are literals. */
const skewed = async (i: number): Promise<number> => {
  await new Promise((r) => setTimeout(r, 1 + (i % 40)));
  return i;
};

function readParams(values: SuiteValues): Params {
  const slowFraction = Number(values['slow-fraction']);
  const slowFactor = Number(values['slow-factor']);
  if (!(slowFraction >= 0 && slowFraction <= 1)) throw new UsageError(`--slow-fraction must be within 0..1, got ${String(values['slow-fraction'])}`);
  if (!(slowFactor >= 1 && Number.isFinite(slowFactor))) throw new UsageError(`--slow-factor must be a number >= 1, got ${String(values['slow-factor'])}`);
  return {
    tasks: intFlag(values, 'tasks'),
    baseMs: 1,
    period: 40,
    machines: intFlag(values, 'machines'),
    agents: intFlag(values, 'agents'),
    slowFraction,
    slowFactor,
    repeats: intFlag(values, 'repeats'),
    timeoutMs: intFlag(values, 'timeout'),
  };
}

/** The lower bound on the makespan, from WORKLOADS.md W3, and what it is made of. */
function lowerBound(p: Params): { lbMs: number; totalWorkMs: number; maxTaskMs: number; workers: number; slowWorkers: number; effectiveWorkers: number } {
  let totalWorkMs = 0;
  let maxTaskMs = 0;
  for (let i = 0; i < p.tasks; i++) {
    const c = p.baseMs + (i % p.period);
    totalWorkMs += c;
    maxTaskMs = Math.max(maxTaskMs, c);
  }
  const workers = p.machines * p.agents;
  // Each machine rounds its own share of slow agents, as the machine does.
  const slowWorkers = p.machines * Math.round(p.slowFraction * p.agents);
  const effectiveWorkers = workers - slowWorkers + slowWorkers / p.slowFactor;
  return { lbMs: Math.max(totalWorkMs / effectiveWorkers, maxTaskMs), totalWorkMs, maxTaskMs, workers, slowWorkers, effectiveWorkers };
}

function checkIdentity(out: readonly number[], tasks: number): void {
  if (out.length !== tasks) throw new Error(`dmap returned ${out.length} results for ${tasks} tasks`);
  for (let i = 0; i < tasks; i++) if (out[i] !== i) throw new Error(`dmap result ${i} is ${String(out[i])}`);
}

const label = (c: Config) => `${c.mode}, stealing ${c.stealing ? 'on' : 'off'}`;

async function run(values: SuiteValues): Promise<void> {
  const params = readParams(values);
  const bound = lowerBound(params);
  const inputs = Array.from({ length: params.tasks }, (_, i) => i);
  const configs: Config[] = MODES.flatMap((mode) => [true, false].map((stealing) => ({ mode, stealing })));
  console.log(
    `suite ${SUITE}: ${formatNumber(params.tasks)} tasks of ${params.baseMs} + (i mod ${params.period}) ms (timer) on ` +
      `${params.machines} machine processes x ${params.agents} agents, slow fraction ${params.slowFraction} x${params.slowFactor} ` +
      `(${bound.slowWorkers} slow of ${bound.workers}); ${configs.length} configurations x ${params.repeats} repeats`,
  );
  console.log(
    `lower bound LB = max(${formatNumber(bound.totalWorkMs)} ms / ${formatFixed(bound.effectiveWorkers)} workers, ${bound.maxTaskMs} ms) = ${formatFixed(bound.lbMs / 1000, 3)} s`,
  );

  let server: NatsServerHandle | undefined;
  let machines: MachineCluster | undefined;
  try {
    server = await startNatsServer();
    machines = await startMachineCluster(server.url, {
      machines: params.machines,
      agents: params.agents,
      slowFraction: params.slowFraction,
      slowFactor: params.slowFactor,
    });
    const { cluster } = machines;
    // Untimed: loads every worker thread and ships the function.
    checkIdentity(await withTimeout(cluster.dmap(skewed, inputs.slice(0, 4 * bound.workers)), params.timeoutMs, 'warm-up'), 4 * bound.workers);

    const runs: Run[] = [];
    for (let repeat = 1; repeat <= params.repeats; repeat++) {
      // Rotate the order so no configuration always follows the same one.
      const shift = (repeat - 1) % configs.length;
      for (const config of [...configs.slice(shift), ...configs.slice(0, shift)]) {
        const probe = await startTimerProbe(params.baseMs, params.period);
        const start = performance.now();
        const out = await withTimeout(cluster.dmap(skewed, inputs, { mode: config.mode, stealing: config.stealing }), params.timeoutMs, label(config));
        const makespanMs = performance.now() - start;
        const { stretch, lateMs } = await probe.stop();
        checkIdentity(out, params.tasks);
        runs.push({ ...config, repeat, makespanMs, stretch, lateMs });
        console.log(
          `repeat ${repeat}/${params.repeats} ${label(config)}: ${formatFixed(makespanMs / 1000, 3)} s, efficiency ${(bound.lbMs / makespanMs).toFixed(3)}; ` +
            `timers ${lateMs.toFixed(2)} ms late on average (stretch ${stretch.toFixed(3)})`,
        );
      }
    }

    const makespanOf = (mode: ModeName, stealing: boolean) =>
      median(runs.filter((r) => r.mode === mode && r.stealing === stealing).map((r) => r.makespanMs));
    // Efficiency against the bound the timers allow: LB with every task as late as the probe's timers.
    const timerEfficiencyOf = (mode: ModeName, stealing: boolean) =>
      median(runs.filter((r) => r.mode === mode && r.stealing === stealing).map((r) => (bound.lbMs * r.stretch) / r.makespanMs));
    const rows = MODES.map((mode) => {
      const on = makespanOf(mode, true);
      const off = makespanOf(mode, false);
      return {
        mode,
        on: { makespanMs: on, efficiency: bound.lbMs / on, timerEfficiency: timerEfficiencyOf(mode, true) },
        off: { makespanMs: off, efficiency: bound.lbMs / off, timerEfficiency: timerEfficiencyOf(mode, false) },
      };
    });
    const stretch = median(runs.map((r) => r.stretch));
    const lateMs = median(runs.map((r) => r.lateMs));

    console.log('');
    printTable(
      [`median of ${params.repeats}`, 'stealing on: makespan s', 'efficiency', 'vs timer bound', 'stealing off: makespan s', 'efficiency', 'vs timer bound', 'on / off speedup'],
      rows.map((r) => [
        r.mode,
        formatFixed(r.on.makespanMs / 1000, 3),
        r.on.efficiency.toFixed(3),
        r.on.timerEfficiency.toFixed(3),
        formatFixed(r.off.makespanMs / 1000, 3),
        r.off.efficiency.toFixed(3),
        r.off.timerEfficiency.toFixed(3),
        formatRatio(ratio(r.off.makespanMs, r.on.makespanMs)),
      ]),
    );
    console.log(
      `\ntimers on this machine, measured by a probe thread sleeping the same timers during every run: ${lateMs.toFixed(2)} ms late each ` +
        `(median), so every task takes ${((stretch - 1) * 100).toFixed(1)} % longer than its nominal cost and no schedule can reach ` +
        `efficiency above ${(1 / stretch).toFixed(3)}; "vs timer bound" divides by LB x ${stretch.toFixed(3)} instead of LB.`,
    );

    const worstOn = Math.min(...rows.map((r) => r.on.efficiency));
    const worstOff = Math.min(...rows.map((r) => r.off.efficiency));
    const headline = {
      name: 'lowest efficiency (LB / makespan) over the placement modes with stealing on; baseline: the lowest with stealing off',
      value: round(worstOn, 3),
      unit: 'efficiency',
      baseline: round(worstOff, 3),
      ratio: round(worstOn / worstOff, 3),
      target: TARGET,
    };
    const path = await writeResults(SUITE, {
      params: {
        ...params,
        task: 'async (i) => { await new Promise((r) => setTimeout(r, 1 + (i % 40))); return i; }',
        natsServer: server.url,
      },
      lowerBound: {
        lbMs: round(bound.lbMs, 1),
        formula: 'max(sum of c_i / (fast workers + slow workers / slow factor), max c_i)',
        totalWorkMs: bound.totalWorkMs,
        maxTaskMs: bound.maxTaskMs,
        workers: bound.workers,
        slowWorkers: bound.slowWorkers,
        effectiveWorkers: bound.effectiveWorkers,
      },
      timerProbe: {
        what: 'a thread of the bench process sleeping the same timers one after another during every run: actual / nominal',
        medianStretch: round(stretch, 4),
        medianLateMs: round(lateMs, 3),
        bestEfficiencyTimersAllow: round(1 / stretch, 3),
      },
      runs: runs.map((r) => ({
        mode: r.mode,
        stealing: r.stealing,
        repeat: r.repeat,
        makespanMs: round(r.makespanMs, 1),
        efficiency: round(bound.lbMs / r.makespanMs, 3),
        timerStretch: round(r.stretch, 4),
        efficiencyVsTimerBound: round((bound.lbMs * r.stretch) / r.makespanMs, 3),
      })),
      medians: Object.fromEntries(
        rows.map((r) => [
          r.mode,
          {
            stealingOn: { makespanMs: round(r.on.makespanMs, 1), efficiency: round(r.on.efficiency, 3), efficiencyVsTimerBound: round(r.on.timerEfficiency, 3) },
            stealingOff: { makespanMs: round(r.off.makespanMs, 1), efficiency: round(r.off.efficiency, 3), efficiencyVsTimerBound: round(r.off.timerEfficiency, 3) },
          },
        ]),
      ),
      headline,
    });
    console.log(`\nlowest efficiency with stealing: ${worstOn.toFixed(3)} (target ${TARGET}); with stealing off: ${worstOff.toFixed(3)}`);
    console.log(`results: ${path}`);
  } finally {
    await machines?.close();
    await server?.stop();
  }
}

export const w3StealSuite: Suite = {
  name: SUITE,
  description: 'W3 skew + slow workers: makespan and efficiency per placement mode, stealing on and off',
  options: {
    tasks: { type: 'string', default: '1000' },
    machines: { type: 'string', default: '2' },
    agents: { type: 'string', default: '8' },
    'slow-fraction': { type: 'string', default: '0.25' },
    'slow-factor': { type: 'string', default: '2' },
    repeats: { type: 'string', default: '3' },
    timeout: { type: 'string', default: '60000' },
  },
  usage: [
    '--tasks N           tasks; task i costs 1 + (i mod 40) ms (default 1000)',
    '--machines N        machine processes (default 2)',
    '--agents N          agents per machine (default 8)',
    '--slow-fraction F   share of each machine\'s agents that are slow (default 0.25)',
    '--slow-factor K     how many times as long a slow agent takes (default 2)',
    '--repeats N         runs of each configuration; the median is reported (default 3)',
    '--timeout MS        limit for each run (default 60000)',
  ],
  run,
};

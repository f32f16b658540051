import type { ClusterView } from '@armada/scheduler';

/**
 * How a machine looks from the master: `alive` (heard within half of `deadAfterMs`), `late`,
 * `draining`, `dead` (silent for `deadAfterMs`, or declared dead) or `left` (drained and gone).
 */
export const MachineState = { alive: 'alive', late: 'late', draining: 'draining', dead: 'dead', left: 'left' } as const;
export type MachineState = (typeof MachineState)[keyof typeof MachineState];

/** One agent row of the page. */
export interface AgentRow {
  readonly key: string;
  /** `<machine name>/<agent name>`. */
  readonly label: string;
  /** Packets on the agent (queued and running, every master's), from its machine's last heartbeat. */
  readonly queued: number;
  /** Packets the master placed there (or saw stolen onto it) with no result yet. */
  readonly running: number;
  readonly done: number;
  readonly failed: number;
  /** Results per second over the rate window. */
  readonly perSecond: number;
  /**
   * What the agent itself reports in its machine's heartbeats, every master's packets since the
   * machine started: running now, done, stolen in / out. `null` until reported (or from a machine
   * that does not report them).
   */
  readonly fleet: { readonly running: number; readonly done: number; readonly stolenIn: number; readonly stolenOut: number } | null;
}

/** One machine of the page, with its agents. A dead or departed machine keeps its last rows. */
export interface MachineRow {
  readonly id: string;
  readonly name: string;
  readonly state: MachineState;
  /** Why it is dead or gone (the failure detector's words), or empty. */
  readonly detail: string;
  readonly lastHeardMs: number;
  readonly cores: number;
  readonly freeMemory: number;
  readonly totalMemory: number;
  readonly load: number;
  readonly agents: readonly AgentRow[];
}

/** Packets moved by steals from one agent to another, per second over the rate window. */
export interface StealRow {
  readonly from: string;
  readonly to: string;
  readonly perSecond: number;
  readonly packets: number;
}

/** Everything the page draws, sent as one server-sent event per sample. */
export interface DashboardSnapshot {
  readonly type: 'snapshot';
  /** Epoch milliseconds of the sample. */
  readonly at: number;
  readonly title: string;
  readonly deadAfterMs: number;
  /** Set when the master did not answer this sample (the rest is the previous sample's). */
  readonly error: string | undefined;
  readonly totals: { readonly done: number; readonly failed: number; readonly running: number; readonly queued: number; readonly perSecond: number; readonly alive: number; readonly agents: number };
  readonly machines: readonly MachineRow[];
  readonly steals: readonly StealRow[];
  readonly jobs: ReadonlyArray<{ readonly id: string; readonly done: number; readonly total: number | null; readonly running: number }>;
  /** `[epoch ms, results per second]`, oldest first, over the history window. */
  readonly throughput: ReadonlyArray<readonly [number, number]>;
}

/** Defaults of {@link SnapshotOptions}. */
export const SNAPSHOT_DEFAULTS = {
  /** Rates are differences over this window. */
  rateWindowMs: 3_000,
  /** The throughput chart covers this much. */
  historyMs: 5 * 60_000,
  /** A dead or departed machine stays on the page this long. */
  keepGoneMs: 10 * 60_000,
} as const;

/** Windows of the snapshot bookkeeping, in milliseconds. */
export type SnapshotOptions = { readonly [K in keyof typeof SNAPSHOT_DEFAULTS]: number };

interface Counts {
  readonly at: number;
  readonly done: number;
  readonly agents: ReadonlyMap<string, number>;
  readonly steals: ReadonlyMap<string, number>;
}

/**
 * Turns successive master views into page snapshots: rates from the difference of cumulative
 * counters over a window, machines that vanished from the view kept as dead (or left, when they
 * drained), and the throughput history. Pure bookkeeping, no I/O; feed it views in time order.
 */
export class SnapshotBuilder {
  private readonly options: SnapshotOptions;
  private readonly samples: Counts[] = [];
  private readonly history: Array<readonly [number, number]> = [];
  private readonly gone = new Map<string, { row: MachineRow; at: number }>();
  private readonly last = new Map<string, MachineRow>();
  private previous: DashboardSnapshot | undefined;

  constructor(
    private readonly title: string,
    options: Partial<SnapshotOptions> = {},
  ) {
    this.options = { ...SNAPSHOT_DEFAULTS, ...options };
  }

  /** The snapshot for `view` taken at `at` (epoch ms). */
  next(view: ClusterView, at: number): DashboardSnapshot {
    const activity = view.activity;
    const counts: Counts = {
      at,
      done: activity.done,
      agents: new Map(activity.agents.map((a) => [a.agent, a.done])),
      steals: new Map(activity.steals.map((s) => [`${s.from} ${s.to}`, s.packets])),
    };
    this.samples.push(counts);
    while (this.samples.length > 2 && this.samples[1]!.at <= at - this.options.rateWindowMs) this.samples.shift();
    const base = this.samples[0]!;
    const seconds = Math.max((at - base.at) / 1000, 1e-3);
    const rate = (now: number, then: number | undefined) => (base === counts ? 0 : Math.max(0, now - (then ?? 0)) / seconds);

    const perAgent = new Map(activity.agents.map((a) => [a.agent, a]));
    const labels = new Map<string, string>();
    const live = new Set<string>();
    const machines: MachineRow[] = [];
    for (const m of view.machines) {
      live.add(m.id);
      const agents = m.agents.map((a): AgentRow => {
        const label = `${m.name}/${a.agent.slice(a.agent.lastIndexOf('/') + 1)}`;
        labels.set(a.agent, label);
        const counted = perAgent.get(a.agent);
        const done = counted?.done ?? 0;
        const fleet = a.done === undefined ? null : { running: a.running ?? 0, done: a.done, stolenIn: a.stolenIn ?? 0, stolenOut: a.stolenOut ?? 0 };
        return { key: a.agent, label, queued: Math.max(0, a.queued), running: a.outstanding, done, failed: counted?.failed ?? 0, perSecond: rate(done, base.agents.get(a.agent)), fleet };
      });
      const state: MachineState = m.lastHeardMs > activity.deadAfterMs ? 'dead' : m.draining ? 'draining' : m.lastHeardMs > activity.deadAfterMs / 2 ? 'late' : 'alive';
      const row: MachineRow = {
        id: m.id,
        name: m.name,
        state,
        detail: state === 'dead' ? `no heartbeat for ${m.lastHeardMs} ms` : '',
        lastHeardMs: m.lastHeardMs,
        cores: m.stats.cores,
        freeMemory: m.stats.freeMemory,
        totalMemory: m.stats.totalMemory,
        load: m.stats.load,
        agents,
      };
      machines.push(row);
      this.last.set(m.id, row);
      this.gone.delete(m.id);
    }
    // A machine the view no longer lists was declared dead, or drained and left.
    for (const [id, row] of this.last) {
      if (live.has(id)) continue;
      this.last.delete(id);
      const departed = [...activity.departed].reverse().find((d) => d.id === id);
      const state: MachineState = departed?.reason === 'left' ? 'left' : 'dead';
      const agents = row.agents.map((a) => ({ ...a, queued: 0, running: 0, perSecond: 0, fleet: a.fleet === null ? null : { ...a.fleet, running: 0 } }));
      this.gone.set(id, { row: { ...row, state, detail: departed?.detail ?? 'no longer in the view', agents }, at });
    }
    for (const [id, { row, at: since }] of this.gone) {
      if (at - since > this.options.keepGoneMs) this.gone.delete(id);
      else {
        machines.push({ ...row, lastHeardMs: row.lastHeardMs + (at - since) });
        for (const a of row.agents) labels.set(a.key, a.label);
      }
    }
    machines.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));

    const steals = activity.steals
      .map((s): StealRow => ({ from: labels.get(s.from) ?? s.from, to: labels.get(s.to) ?? s.to, packets: s.packets, perSecond: rate(s.packets, base.steals.get(`${s.from} ${s.to}`)) }))
      .sort((a, b) => b.perSecond - a.perSecond || b.packets - a.packets);

    const perSecond = rate(activity.done, base.done);
    this.history.push([at, perSecond]);
    while (this.history.length > 0 && this.history[0]![0] < at - this.options.historyMs) this.history.shift();

    const alive = machines.filter((m) => m.state !== 'dead' && m.state !== 'left');
    const liveAgents = alive.flatMap((m) => m.agents);
    this.previous = {
      type: 'snapshot',
      at,
      title: this.title,
      deadAfterMs: activity.deadAfterMs,
      error: undefined,
      totals: {
        done: activity.done,
        failed: activity.failed,
        running: view.jobs.reduce((n, j) => n + j.inFlight, 0),
        queued: liveAgents.reduce((n, a) => n + a.queued, 0),
        perSecond,
        alive: alive.length,
        agents: liveAgents.length,
      },
      machines,
      steals,
      jobs: view.jobs.map((j) => ({ id: j.id, done: j.done, total: j.total ?? null, running: j.inFlight })),
      throughput: [...this.history],
    };
    return this.previous;
  }

  /** The previous snapshot marked with `error` (the master did not answer), or undefined before the first. */
  failed(error: string, at: number): DashboardSnapshot | undefined {
    return this.previous === undefined ? undefined : { ...this.previous, at, error };
  }
}

import type { ClusterView } from '@armada/scheduler';

/** The view as a table for people: one row per machine, one indented row per agent, then jobs. */
export function formatView(view: ClusterView, servers: string): string {
  const lines: string[] = [];
  const machines = [...view.machines].sort((a, b) => a.name.localeCompare(b.name));
  const agents = machines.reduce((n, m) => n + m.agents.length, 0);
  lines.push(`cluster on ${servers}: ${machines.length} machine(s), ${agents} agent(s)`);
  if (machines.length > 0) {
    const rows = [['MACHINE', 'AGENTS', 'CORES', 'FREE MEM', 'LOAD', 'HEARD', 'ID']];
    for (const m of machines) {
      rows.push([m.name, String(m.agents.length), String(m.stats.cores), bytes(m.stats.freeMemory), m.stats.load.toFixed(2), `${m.lastHeardMs} ms ago`, m.id]);
    }
    lines.push(...table(rows));
    lines.push('', 'AGENT QUEUES (queued on the agent / placed by this master, unanswered)');
    for (const m of machines) {
      lines.push(`  ${m.name}: ${m.agents.map((a, i) => `#${i} ${a.queued}/${a.outstanding}`).join('  ')}`);
    }
  }
  lines.push('', view.jobs.length === 0 ? 'jobs of this master: none' : 'JOBS');
  for (const j of view.jobs) lines.push(`  ${j.id}: ${j.done}/${j.total ?? '?'} done, ${j.inFlight} in flight`);
  return lines.join('\n');
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
}

function bytes(n: number): string {
  const gib = n / 2 ** 30;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(0)} MiB`;
}

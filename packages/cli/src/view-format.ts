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
    lines.push('', 'AGENTS (queued, running, done, stolen: every master\'s packets since the machine started; placed: this master\'s, unanswered)');
    const agentRows = [['MACHINE', 'AGENT', 'QUEUED', 'RUNNING', 'DONE', 'STOLEN IN', 'STOLEN OUT', 'PLACED']];
    for (const m of machines) {
      for (const a of m.agents) {
        agentRows.push([m.name, a.agent.slice(a.agent.lastIndexOf('/') + 1), String(a.queued), count(a.running), count(a.done), count(a.stolenIn), count(a.stolenOut), String(a.outstanding)]);
      }
    }
    lines.push(...table(agentRows).map((l) => `  ${l}`));
    if (machines.some((m) => m.agents.some((a) => a.done === undefined))) lines.push('  (- : not reported yet, or by a machine that does not report counts)');
  }
  lines.push('', view.jobs.length === 0 ? 'jobs of this master: none' : 'JOBS');
  for (const j of view.jobs) lines.push(`  ${j.id}: ${j.done}/${j.total ?? '?'} done, ${j.inFlight} in flight`);
  return lines.join('\n');
}

function count(n: number | undefined): string {
  return n === undefined ? '-' : String(n);
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
}

function bytes(n: number): string {
  const gib = n / 2 ** 30;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(0)} MiB`;
}

/**
 * Where a job's packets ran, by kind of agent (near or far machine, slow or fast worker), from
 * the master's own counts: the difference of two `ActivityView`s, so it works alike in the
 * simulation and on real processes.
 */
import type { ActivityView, ClusterView } from '@armada/scheduler';

/** Packets answered by each kind of agent between two views. */
export interface PacketPlaces {
  nearFast: number;
  nearSlow: number;
  farFast: number;
  farSlow: number;
  /** Packets moved by steals the master recorded (a packet stolen twice counts twice). */
  stolen: number;
}

/** How to tell the kinds apart: a machine's name says whether it is far, an agent's index whether it is slow. */
export interface AgentKinds {
  isFarMachine(name: string): boolean;
  /** Agents `0 .. slowPerMachine - 1` of every machine are the slow ones, as a machine makes them. */
  slowPerMachine: number;
}

/** The agent index at the end of an agent's address (`.../agent-3`), or -1. */
function agentIndex(key: string): number {
  const match = /agent-(\d+)$/.exec(key);
  return match === null ? -1 : Number(match[1]);
}

/**
 * Packets per kind of agent done between `before` and `after` (two `activity` views of one
 * master); `view` names the machines. An agent the view no longer lists counts as near, so the
 * four counts always sum to the packets done.
 */
export function packetPlaces(before: ActivityView, after: ActivityView, view: ClusterView, kinds: AgentKinds): PacketPlaces {
  const far = new Map<string, boolean>();
  for (const machine of view.machines) for (const agent of machine.agents) far.set(agent.agent, kinds.isFarMachine(machine.name));
  const earlier = new Map(before.agents.map((a) => [a.agent, a.done]));
  const stolenBefore = before.steals.reduce((sum, st) => sum + st.packets, 0);
  const places: PacketPlaces = { nearFast: 0, nearSlow: 0, farFast: 0, farSlow: 0, stolen: after.steals.reduce((sum, st) => sum + st.packets, 0) - stolenBefore };
  for (const a of after.agents) {
    const done = a.done - (earlier.get(a.agent) ?? 0);
    if (done === 0) continue;
    const slow = agentIndex(a.agent) >= 0 && agentIndex(a.agent) < kinds.slowPerMachine;
    const isFar = far.get(a.agent) ?? false;
    places[isFar ? (slow ? 'farSlow' : 'farFast') : slow ? 'nearSlow' : 'nearFast'] += done;
  }
  return places;
}

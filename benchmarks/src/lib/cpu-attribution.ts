/**
 * CPU time of one part of this process, from the V8 sampling profiler (`node:inspector`): the
 * samples whose stack holds a frame from a source URL containing a marker (e.g. the master's
 * folder) are that part's inclusive CPU. For simulations, where every node shares one thread.
 */
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/** A running profile; `stop` returns the inclusive CPU per marker and in all, in milliseconds. */
export interface CpuAttribution {
  stop(): Promise<{ totalMs: number; byMarker: Record<string, number> }>;
}

/**
 * Starts sampling every `intervalMicros` µs. Each marker is matched against frame URLs; a sample
 * counts once per marker however many of its frames match.
 */
export async function startCpuAttribution(markers: readonly string[], intervalMicros = 250): Promise<CpuAttribution> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalMicros });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
      session.disconnect();
      return attribute(profile, markers);
    },
  };
}

function attribute(profile: Profile, markers: readonly string[]): { totalMs: number; byMarker: Record<string, number> } {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  // Which markers each node's stack (itself and its ancestors) holds, as a bit set, memoised.
  const memo = new Map<number, number>();
  const maskOf = (id: number): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const url = byId.get(id)?.callFrame.url ?? '';
    let mask = 0;
    markers.forEach((m, i) => {
      if (url.includes(m)) mask |= 1 << i;
    });
    const up = parent.get(id);
    if (up !== undefined) mask |= maskOf(up);
    memo.set(id, mask);
    return mask;
  };
  const idle = new Set(profile.nodes.filter((n) => ['(idle)', '(program)'].includes((n.callFrame as { functionName?: string }).functionName ?? '')).map((n) => n.id));
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const sums = markers.map(() => 0);
  let totalMicros = 0;
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i]!;
    // A sample's delta is the time since the previous one: charge it to this sample.
    const delta = deltas[i] ?? 0;
    if (idle.has(id)) continue;
    totalMicros += delta;
    const mask = maskOf(id);
    for (let m = 0; m < markers.length; m++) if (mask & (1 << m)) sums[m]! += delta;
  }
  return { totalMs: totalMicros / 1000, byMarker: Object.fromEntries(markers.map((m, i) => [m, sums[i]! / 1000])) };
}

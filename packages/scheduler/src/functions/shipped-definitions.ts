import type { FunctionDef } from './function-def.js';

const DEFAULTS = {
  /** Hashes remembered per agent; past it the oldest is shipped again when used. */
  perAgent: 1024,
} as const;

/**
 * A master's record of which definitions it shipped to which agent, across jobs, so a second
 * call of a function sends only its hash. An agent that lacks a definition anyway (its machine
 * dropped it from a bounded store) fetches it by hash, so forgetting here is always safe.
 */
export class ShippedDefinitions {
  private readonly byAgent = new Map<string, Set<string>>();
  /** Definitions shipped inline so far. */
  shipped = 0;

  /** True (and recorded as shipped) when `agent` has not been sent `def` yet. */
  needs(agent: string, def: FunctionDef): boolean {
    let sent = this.byAgent.get(agent);
    if (sent === undefined) this.byAgent.set(agent, (sent = new Set()));
    if (sent.has(def.hash)) return false;
    if (sent.size >= DEFAULTS.perAgent) sent.delete(sent.values().next().value as string);
    sent.add(def.hash);
    this.shipped++;
    return true;
  }

  /** The agent's machine left: if it comes back it has forgotten everything. */
  forget(agent: string): void {
    this.byAgent.delete(agent);
  }
}

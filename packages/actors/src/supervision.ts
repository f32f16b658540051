/** What a supervisor does with an actor whose `receive` (or start) failed. */
export const Directive = {
  /** Keep the actor and its state; drop the message that failed and go on. */
  Resume: 'resume',
  /** Replace the actor with a fresh instance (state lost, mailbox kept); its children stop. */
  Restart: 'restart',
  /** Stop the actor; the rest of its mailbox becomes dead letters. */
  Stop: 'stop',
  /** Fail the parent with the same error, so the parent's own strategy decides. */
  Escalate: 'escalate',
} as const;
export type Directive = (typeof Directive)[keyof typeof Directive];

/**
 * How the failures of one actor are handled. Given at spawn; an actor without one gets the
 * system's default (restart, at most 10 times in 60 s).
 */
export interface SupervisorStrategy {
  /** Picks the directive for an error. */
  decide(error: unknown): Directive;
  /** Restarts allowed within `withinMs`; past it the actor is stopped instead. */
  readonly maxRestarts: number;
  /** The sliding window, in milliseconds, that `maxRestarts` counts over. */
  readonly withinMs: number;
}

/** Builds a strategy from a fixed directive or a decider. */
export function supervisorStrategy(
  decide: Directive | ((error: unknown) => Directive),
  budget: { maxRestarts?: number; withinMs?: number } = {},
): SupervisorStrategy {
  return {
    decide: typeof decide === 'function' ? decide : () => decide,
    maxRestarts: budget.maxRestarts ?? 10,
    withinMs: budget.withinMs ?? 60_000,
  };
}

/** The default: restart, at most 10 times in 60 s, then stop. */
export const DEFAULT_SUPERVISOR_STRATEGY: SupervisorStrategy = supervisorStrategy(Directive.Restart);

/** Counts restarts inside a sliding window. */
export class RestartBudget {
  private readonly times: number[] = [];

  constructor(private readonly strategy: SupervisorStrategy) {}

  /** Records a restart at `now`; false when the budget is spent. */
  take(now: number): boolean {
    while (this.times.length > 0 && now - this.times[0]! > this.strategy.withinMs) this.times.shift();
    if (this.times.length >= this.strategy.maxRestarts) return false;
    this.times.push(now);
    return true;
  }
}

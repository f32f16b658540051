/**
 * Injection tokens for work stealing. A system's tsyringe container resolves
 * `@inject(StealTokens.Policy)` to the `StealPolicy` its agents use; register your own under it
 * to change who is asked and how much is given away.
 */
export const StealTokens = {
  /** The `StealPolicy` of the system's agents. */
  Policy: Symbol.for('armada.scheduler.StealPolicy'),
} as const;

/**
 * Injection tokens the system registers in its tsyringe container. Use them with
 * `@inject(Tokens.Clock)` in actor constructors.
 */
export const Tokens = {
  /** The `ActorSystem` the actor lives in. */
  ActorSystem: Symbol.for('armada.ActorSystem'),
  /** The system's `Clock`. */
  Clock: Symbol.for('armada.Clock'),
  /** The system's `Logger`. */
  Logger: Symbol.for('armada.Logger'),
} as const;

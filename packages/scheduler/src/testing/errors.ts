import { ArmadaError, type ErrorClass } from '@armada/actors';

/**
 * `Simulation.run` gave up: the promise had not settled after `maxSimulatedMs` of simulated time.
 * The message says where the simulation stood (clock, messages in flight, crashed machines).
 */
export class SimulationTimeoutError extends ArmadaError {
  constructor(
    /** The simulated time budget of the run. */
    readonly maxSimulatedMs: number,
    /** The simulated clock when it gave up. */
    readonly atMs: number,
    state: string,
  ) {
    super(`the promise did not settle within ${maxSimulatedMs} simulated ms (clock at ${atMs} ms; ${state})`, { code: 'ERR_SIMULATION_TIMEOUT' });
  }
}

/**
 * The simulation cannot go on: nothing is scheduled (no timer, no message in flight) while the
 * promise is pending, or time stopped moving (an endless chain of zero-delay events).
 */
export class SimulationStalledError extends ArmadaError {
  constructor(
    /** The simulated clock when it stalled. */
    readonly atMs: number,
    reason: string,
  ) {
    super(`the simulation stalled at ${atMs} simulated ms: ${reason}`, { code: 'ERR_SIMULATION_STALLED' });
  }
}

/** The simulation's error classes, for `ActorSystem.create({ errors })` where they must cross the wire as themselves. */
export const SIMULATION_ERRORS: readonly ErrorClass[] = Object.freeze([SimulationTimeoutError, SimulationStalledError]);

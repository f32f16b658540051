/**
 * Errors of `@armada/scheduler`. Each extends `ArmadaError` (`code`, `retryable`, `cause`).
 *
 * Adding an error class is one line in one place: append it to {@link SCHEDULER_ERRORS} at the
 * bottom of this file. Every scheduler node passes that list to its actor system, so the class
 * crosses the wire as itself; the round-trip test in `test/errors.test.ts` fails until it is listed
 * (and asks for a sample instance of it).
 */
import { ArmadaError, type ErrorClass } from '@armada/actors';
import { NATS_ERRORS } from '@armada/transport-nats';

/**
 * A function cannot be shipped: it reads a variable from its closure that is neither a parameter,
 * a standard global nor a key of the environment passed with it.
 */
export class CapturedVariableError extends ArmadaError {
  constructor(
    /** The captured names. */
    readonly variables: readonly string[],
    /** The function's name, or `anonymous`. */
    readonly functionName: string,
  ) {
    super(
      `function ${functionName} captures ${variables.map((v) => `"${v}"`).join(', ')}; ` +
        `pass ${variables.length === 1 ? 'it' : 'them'} in the environment ({ env: { ${variables.join(', ')} } }) ` +
        `or make the function self-contained`,
      { code: 'ERR_CAPTURED_VARIABLE' },
    );
  }
}

/** A value cannot be shipped as a function (a native or bound function, a class, a method shorthand). */
export class NotShippableError extends ArmadaError {
  constructor(message: string) {
    super(message, { code: 'ERR_NOT_SHIPPABLE' });
  }
}

/**
 * User code threw while running a packet. `stack` is the remote stack; `machine` (the id) and
 * `machineName` say where it ran, and the message names the machine by name.
 */
export class TaskError extends ArmadaError {
  constructor(
    message: string,
    /** The `name` of the error user code threw (`RangeError`, ...). */
    readonly remoteName: string,
    /** The input index of the packet that failed. */
    readonly index: number,
    /** The machine it ran on. */
    readonly machine: string,
    remoteStack?: string,
    readonly machineName?: string,
  ) {
    super(`packet ${index} failed on ${machineName === undefined ? machine : `${machineName} (${machine})`}: ${remoteName}: ${message}`, { code: 'ERR_TASK' });
    if (remoteStack !== undefined) this.stack = `${this.name}: ${this.message}\n--- remote stack (${machine}) ---\n${remoteStack}`;
  }
}

/** A packet ran longer than its job's `taskTimeoutMs`; its worker thread was terminated and replaced. */
export class TaskTimeoutError extends ArmadaError {
  constructor(
    /** The packet's index in the job's inputs. */
    readonly index: number,
    /** The job's `taskTimeoutMs`. */
    readonly timeoutMs: number,
    /** The machine it ran on. */
    readonly machine: string,
  ) {
    super(`packet ${index} ran longer than ${timeoutMs} ms on ${machine}; its worker thread was stopped`, { code: 'ERR_TASK_TIMEOUT', retryable: true });
  }
}

/** The worker thread running a packet died (the code called `process.exit`, ran out of memory, ...). */
export class WorkerCrashedError extends ArmadaError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'ERR_WORKER_CRASHED', retryable: true, cause });
  }
}

/** A packet failed more often than `maxRetries` allows; `cause` is the last failure. */
export class RetriesExhaustedError extends ArmadaError {
  constructor(
    /** The input index of the packet. */
    readonly index: number,
    /** How often it was run. */
    readonly attempts: number,
    cause: unknown,
  ) {
    const why = cause instanceof Error ? `: ${cause.message}` : cause === undefined ? '' : `: ${String(cause)}`;
    super(`packet ${index} failed ${attempts === 1 ? 'once' : `${attempts} times`}; giving up (maxRetries ${attempts - 1})${why}`, { code: 'ERR_RETRIES_EXHAUSTED', cause });
  }
}

/** No live machine was available within the wait timeout. */
export class NoMachinesError extends ArmadaError {
  constructor(
    /** How long the call waited for a machine. */
    readonly waitedMs: number,
    detail = '',
  ) {
    super(`no machine available after waiting ${waitedMs} ms${detail}`, { code: 'ERR_NO_MACHINES', retryable: true });
  }
}

/** The machine holding a packet was declared dead (missed heartbeats) before it answered. */
export class MachineLostError extends ArmadaError {
  constructor(
    /** The machine declared dead. */
    readonly machine: string,
    /** Why it was declared dead. */
    readonly reason: string,
  ) {
    super(`machine ${machine} was lost: ${reason}`, { code: 'ERR_MACHINE_LOST', retryable: true });
  }
}

/** A `dmap` did not finish within its `timeoutMs`; its remaining packets were cancelled. */
export class JobTimeoutError extends ArmadaError {
  constructor(
    /** The job's `timeoutMs`. */ readonly timeoutMs: number,
    /** Results that had arrived. */ readonly done: number,
    /** Inputs read so far. */ readonly total: number,
  ) {
    super(`dmap timed out after ${timeoutMs} ms with ${done} of ${total} results`, { code: 'ERR_JOB_TIMEOUT', retryable: true });
  }
}

/** The cluster handle was closed while work was running or was asked for. */
export class ClusterClosedError extends ArmadaError {
  constructor() {
    super('cluster is closed', { code: 'ERR_CLUSTER_CLOSED' });
  }
}

/** No placement strategy or steal policy is registered under a name. */
export class UnknownStrategyError extends ArmadaError {
  constructor(
    /** The name asked for. */
    readonly strategy: string,
    known: readonly string[],
  ) {
    super(`unknown placement strategy "${strategy}"; known: ${known.join(', ')}`, { code: 'ERR_UNKNOWN_STRATEGY' });
  }
}

/**
 * `Cluster.start` was given `nats: undefined` explicitly (typically an unset environment variable)
 * and `ARMADA_NATS_URL` is not set either. Nothing was started: an embedded cluster in its place
 * would run the work somewhere other than the fleet the caller meant.
 */
export class NatsUrlMissingError extends ArmadaError {
  constructor() {
    super(
      'Cluster.start was given nats: undefined and ARMADA_NATS_URL is not set; pass a NATS URL, set ARMADA_NATS_URL, ' +
        'or leave out the nats option (or pass { machines: n }) for an embedded cluster',
      { code: 'ERR_NO_NATS_URL' },
    );
  }
}

/** A placement strategy was given no candidates to choose from. */
export class NoCandidatesError extends ArmadaError {
  constructor(message = 'a placement strategy was given no candidates') {
    super(message, { code: 'ERR_NO_CANDIDATES' });
  }
}

/** A placement strategy is malformed (no name, not a class or factory, no `choose`) or chose something that was not offered. */
export class InvalidStrategyError extends ArmadaError {
  constructor(message: string) {
    super(message, { code: 'ERR_INVALID_STRATEGY' });
  }
}

/**
 * A function is not there: `runDist` named a module or export that was not imported (`known`
 * lists the exported names; not retryable), or a packet reached a thread that does not hold its
 * definition (retryable: it is sent again).
 */
export class UnknownFunctionError extends ArmadaError {
  constructor(
    message: string,
    /** For an unknown name: the `module.export` names that are known. */
    readonly known?: readonly string[],
  ) {
    super(message, { code: 'ERR_UNKNOWN_FUNCTION', retryable: known === undefined });
  }

  /** `runDist` named `name`, which is not among the `known` exported functions. */
  static forName(name: string, known: readonly string[]): UnknownFunctionError {
    return new UnknownFunctionError(`unknown function "${name}"; exported functions: ${known.length === 0 ? '(none imported)' : known.join(', ')}`, known);
  }
}

/**
 * A function definition, module or shared value could not be had from the master within the retry
 * bound. `retryable` when every ask went unanswered (lost on the way, or the master was busy), so
 * a later fetch may succeed: a machine then queues the packets again once before failing them. Not
 * when the master answered that it holds no such hash, or could not be reached at all.
 */
export class DefinitionUnavailableError extends ArmadaError {
  constructor(message: string, cause?: unknown, retryable = false) {
    super(message, { code: 'ERR_DEFINITION_UNAVAILABLE', retryable, cause });
  }
}

/** A bundled function module failed to load on a machine (it threw on import, or lacks the export). */
export class ModuleLoadError extends ArmadaError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'ERR_MODULE_LOAD', cause });
  }
}

/**
 * A machine started with a trusted public key (`--trust`) refused code: a module that is unsigned
 * or whose signature does not verify with that key, or an inline source function (which is never
 * signed). The job fails; retrying elsewhere cannot help, so it is not retryable.
 */
export class UntrustedModuleError extends ArmadaError {
  constructor(message: string) {
    super(message, { code: 'ERR_UNTRUSTED_MODULE' });
  }
}

/** A function file could not be bundled; the message is the bundler's. */
export class BundleError extends ArmadaError {
  constructor(readonly file: string, message: string, cause?: unknown) {
    super(`cannot bundle ${file}: ${message}`, { code: 'ERR_BUNDLE', cause });
  }
}

/** `getReturn` was called for a job that has not ended yet. */
export class JobNotDoneError extends ArmadaError {
  constructor(readonly jobId: string) {
    super(`job ${jobId} is not done yet; poll jobDone or await result`, { code: 'ERR_JOB_NOT_DONE', retryable: true });
  }
}

/** A job id that this facade never handed out. */
export class UnknownJobError extends ArmadaError {
  constructor(readonly jobId: string) {
    super(`unknown job id ${jobId}`, { code: 'ERR_UNKNOWN_JOB' });
  }
}

/** `addRunner` named a machine that did not register within the timeout. */
export class UnknownMachineError extends ArmadaError {
  constructor(readonly machineName: string, readonly waitedMs: number, known: readonly string[]) {
    super(`no machine named "${machineName}" registered within ${waitedMs} ms; machines: ${known.length === 0 ? '(none)' : known.join(', ')}`, {
      code: 'ERR_UNKNOWN_MACHINE',
      retryable: true,
    });
  }
}

/**
 * Arguments do not fit the declared parameters of the function they are meant for; thrown before
 * anything is sent. `path` starts at the parameter's name and leads to the value at fault
 * (`b[3].rows`, `m.get("k")`), or is `arguments` when there are too many; `expected` is the type
 * there in TypeScript syntax, `given` a short description of the value found.
 */
export class ArgumentTypeError extends ArmadaError {
  constructor(
    /** The function the arguments were meant for, as the caller named it. */
    readonly functionName: string,
    /** From the parameter's name to the value at fault: `b[3].rows`, `m.get("k")`, or `arguments`. */
    readonly path: string,
    /** The type expected there, in TypeScript syntax (`number[]`, `Block`), or the arity. */
    readonly expected: string,
    /** A short description of what was found there: `string "abc"`, `Array(3)`, `undefined (missing)`. */
    readonly given: string,
  ) {
    super(`${functionName}: ${path}: expected ${expected}, given ${given}`, { code: 'ERR_ARGUMENT_TYPE' });
  }
}

/**
 * Every error class a scheduler node rebuilds as itself when it arrives from another node: this
 * package's and the NATS transport's. Add a new scheduler error class here, one line.
 */
export const SCHEDULER_ERRORS: readonly ErrorClass[] = Object.freeze([
  ...NATS_ERRORS,
  CapturedVariableError,
  NotShippableError,
  TaskError,
  TaskTimeoutError,
  WorkerCrashedError,
  RetriesExhaustedError,
  NoMachinesError,
  MachineLostError,
  JobTimeoutError,
  ClusterClosedError,
  UnknownStrategyError,
  NatsUrlMissingError,
  NoCandidatesError,
  InvalidStrategyError,
  UnknownFunctionError,
  DefinitionUnavailableError,
  ModuleLoadError,
  UntrustedModuleError,
  BundleError,
  JobNotDoneError,
  UnknownJobError,
  UnknownMachineError,
  ArgumentTypeError,
]);

import { ArmadaError, KNOWN_ERRORS } from '@armada/actors';

/**
 * A function cannot be shipped: it reads a variable from its closure that is neither a parameter,
 * a standard global nor a key of the environment passed with it.
 */
export class CapturedVariableError extends ArmadaError {
  constructor(readonly variables: readonly string[], readonly functionName: string) {
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
    readonly remoteName: string,
    readonly index: number,
    readonly machine: string,
    remoteStack?: string,
    readonly machineName?: string,
  ) {
    super(`packet ${index} failed on ${machineName === undefined ? machine : `${machineName} (${machine})`}: ${remoteName}: ${message}`, { code: 'ERR_TASK' });
    if (remoteStack !== undefined) this.stack = `${this.name}: ${this.message}\n--- remote stack (${machine}) ---\n${remoteStack}`;
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
  constructor(readonly index: number, readonly attempts: number, cause: unknown) {
    super(`packet ${index} failed ${attempts} times; giving up (maxRetries ${attempts - 1})`, { code: 'ERR_RETRIES_EXHAUSTED', cause });
  }
}

/** No live machine was available within the wait timeout. */
export class NoMachinesError extends ArmadaError {
  constructor(readonly waitedMs: number, detail = '') {
    super(`no machine available after waiting ${waitedMs} ms${detail}`, { code: 'ERR_NO_MACHINES', retryable: true });
  }
}

/** The machine holding a packet was declared dead (missed heartbeats) before it answered. */
export class MachineLostError extends ArmadaError {
  constructor(readonly machine: string, readonly reason: string) {
    super(`machine ${machine} was lost: ${reason}`, { code: 'ERR_MACHINE_LOST', retryable: true });
  }
}

/** A `dmap` did not finish within its `timeoutMs`; its remaining packets were cancelled. */
export class JobTimeoutError extends ArmadaError {
  constructor(readonly timeoutMs: number, readonly done: number, readonly total: number) {
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
  constructor(readonly strategy: string, known: readonly string[]) {
    super(`unknown placement strategy "${strategy}"; known: ${known.join(', ')}`, { code: 'ERR_UNKNOWN_STRATEGY' });
  }
}

/** A function definition, module or shared value could not be had from the master within the retry bound. */
export class DefinitionUnavailableError extends ArmadaError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'ERR_DEFINITION_UNAVAILABLE', retryable: true, cause });
  }
}

/** A bundled function module failed to load on a machine (it threw on import, or lacks the export). */
export class ModuleLoadError extends ArmadaError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'ERR_MODULE_LOAD', cause });
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

/** `runDist` named a module or function that was not imported; lists what is known. */
export class UnknownFunctionError extends ArmadaError {
  constructor(readonly functionName: string, readonly known: readonly string[]) {
    super(`unknown function "${functionName}"; exported functions: ${known.length === 0 ? '(none imported)' : known.join(', ')}`, {
      code: 'ERR_UNKNOWN_FUNCTION',
    });
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

Object.assign(KNOWN_ERRORS, {
  CapturedVariableError,
  NotShippableError,
  TaskError,
  WorkerCrashedError,
  RetriesExhaustedError,
  NoMachinesError,
  MachineLostError,
  JobTimeoutError,
  ClusterClosedError,
  UnknownStrategyError,
  DefinitionUnavailableError,
  ModuleLoadError,
  BundleError,
  JobNotDoneError,
  UnknownJobError,
  UnknownFunctionError,
  UnknownMachineError,
});

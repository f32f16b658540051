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

/** User code threw while running a packet. `stack` is the remote stack; `machine` says where it ran. */
export class TaskError extends ArmadaError {
  constructor(
    message: string,
    readonly remoteName: string,
    readonly index: number,
    readonly machine: string,
    remoteStack?: string,
  ) {
    super(`packet ${index} failed on ${machine}: ${remoteName}: ${message}`, { code: 'ERR_TASK' });
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
  NatsUrlMissingError,
});

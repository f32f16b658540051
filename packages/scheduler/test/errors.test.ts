import { expect } from 'chai';
import * as actors from '@armada/actors';
import { Actor, ActorSystem, ArmadaError, InMemoryNetwork, RemoteError, type ErrorClass } from '@armada/actors';
import * as nats from '@armada/transport-nats';
import * as scheduler from '../src/index.js';
import * as testing from '../src/testing/index.js';
import { SCHEDULER_ERRORS, TaskError } from '../src/index.js';

const cause = new RangeError('the cause');

/**
 * One instance of every error class the public entry points export (and the simulation's). A new class fails the
 * first test until it has a sample here and is listed in its package's errors list.
 */
const SAMPLES: Record<string, () => Error> = {
  ArmadaError: () => new actors.ArmadaError('base', { code: 'ERR_CUSTOM', retryable: true, cause }),
  AskTimeoutError: () => new actors.AskTimeoutError('n1/user/a', 250),
  ActorNotFoundError: () => new actors.ActorNotFoundError('n1/user/a'),
  NoRespondersError: () => new actors.NoRespondersError('n1', cause),
  ActorStoppedError: () => new actors.ActorStoppedError('n1/user/a'),
  TransportClosedError: () => new actors.TransportClosedError('closed', cause),
  PayloadTooLargeError: () => new actors.PayloadTooLargeError(2048, 1024),
  SerializationError: () => new actors.SerializationError('bad bytes', cause),
  MailboxFullError: () => new actors.MailboxFullError('n1/user/a', 10),
  InvalidArgumentError: () => new actors.InvalidArgumentError('bad argument'),
  ActorNameTakenError: () => new actors.ActorNameTakenError('/user/a'),
  NodeAlreadyJoinedError: () => new actors.NodeAlreadyJoinedError('n1'),
  ActorFactoryError: () => new actors.ActorFactoryError('not an actor'),
  ExpectationError: () => new actors.ExpectationError('nothing arrived'),
  RemoteError: () => new actors.RemoteError('from afar', { name: 'RemoteError', code: 'ERR_FAR' }),
  NatsServerNotFoundError: () => new nats.NatsServerNotFoundError(['/usr/bin']),
  NatsServerStartError: () => new nats.NatsServerStartError('did not start', 'log line', cause),
  NatsConnectError: () => new nats.NatsConnectError('nats://127.0.0.1:1', cause),
  NatsAuthError: () => new nats.NatsAuthError('nats://127.0.0.1:1', cause),
  NatsCredentialsError: () => new nats.NatsCredentialsError('ARMADA_CREDS: cannot read user.creds', cause),
  NatsPublishError: () => new nats.NatsPublishError('armada.default.node.n1', cause),
  AlreadyStartedError: () => new nats.AlreadyStartedError(),
  NatsServerStoppedError: () => new nats.NatsServerStoppedError(),
  CapturedVariableError: () => new scheduler.CapturedVariableError(['k'], 'f'),
  NotShippableError: () => new scheduler.NotShippableError('a class'),
  TaskError: () => new scheduler.TaskError('boom', 'RangeError', 3, 'm1', 'RangeError: boom\n    at f'),
  TaskTimeoutError: () => new scheduler.TaskTimeoutError(3, 2000, 'm1'),
  WorkerCrashedError: () => new scheduler.WorkerCrashedError('exited', cause),
  RetriesExhaustedError: () => new scheduler.RetriesExhaustedError(3, 4, cause),
  NoMachinesError: () => new scheduler.NoMachinesError(100),
  MachineLostError: () => new scheduler.MachineLostError('m1', 'no heartbeat'),
  JobTimeoutError: () => new scheduler.JobTimeoutError(1000, 5, 10),
  ClusterClosedError: () => new scheduler.ClusterClosedError(),
  UnknownStrategyError: () => new scheduler.UnknownStrategyError('fewest', ['round-robin']),
  NoCandidatesError: () => new scheduler.NoCandidatesError(),
  NatsUrlMissingError: () => new scheduler.NatsUrlMissingError(),
  InvalidStrategyError: () => new scheduler.InvalidStrategyError('no choose method'),
  UnknownFunctionError: () => new scheduler.UnknownFunctionError('not cached'),
  DefinitionUnavailableError: () => new scheduler.DefinitionUnavailableError('no answer from the master', cause),
  ModuleLoadError: () => new scheduler.ModuleLoadError('module f.ts failed to load', cause),
  UntrustedModuleError: () => new scheduler.UntrustedModuleError('module abc is not signed'),
  BundleError: () => new scheduler.BundleError('/src/f.ts', 'f.ts:2:3: Expected ";"', cause),
  JobNotDoneError: () => new scheduler.JobNotDoneError('job-1'),
  UnknownJobError: () => new scheduler.UnknownJobError('job-9'),
  UnknownMachineError: () => new scheduler.UnknownMachineError('m9', 100, ['m1']),
  ArgumentTypeError: () => new scheduler.ArgumentTypeError('matrixMultiply', 'b[3].rows', 'number', 'string "x"'),
  SimulationTimeoutError: () => new testing.SimulationTimeoutError(60_000, 60_001, '3 messages in flight'),
  SimulationStalledError: () => new testing.SimulationStalledError(42, 'nothing scheduled'),
};

function errorClasses(entry: Record<string, unknown>): Map<string, ErrorClass> {
  const found = new Map<string, ErrorClass>();
  for (const [name, value] of Object.entries(entry)) {
    if (typeof value === 'function' && value.prototype instanceof Error) found.set(name, value as ErrorClass);
  }
  return found;
}

const PUBLIC_ERRORS = new Map([...errorClasses(actors), ...errorClasses(nats), ...errorClasses(scheduler), ...errorClasses(testing)]);
const WIRE_ERRORS = [...SCHEDULER_ERRORS, ...testing.SIMULATION_ERRORS];

/** Answers `{ error }` with the error it received, so each error crosses the wire twice. */
class Echo extends Actor<{ error: Error }> {
  receive(msg: { error: Error }): { error: Error } {
    return msg;
  }
}

describe('public error classes', () => {
  const systems: ActorSystem[] = [];
  afterEach(async () => {
    await Promise.all(systems.splice(0).map((s) => s.terminate()));
  });

  async function pair(errors?: readonly ErrorClass[]): Promise<(error: Error) => Promise<Error>> {
    const network = new InMemoryNetwork();
    const here = await ActorSystem.create({ name: 'here', network, ...(errors ? { errors } : {}) });
    const there = await ActorSystem.create({ name: 'there', network, ...(errors ? { errors } : {}) });
    systems.push(here, there);
    there.spawn(Echo, { name: 'echo' });
    const echo = here.ref<{ error: Error }>(there.node, '/user/echo');
    return async (error) => ((await echo.ask({ error }, { timeoutMs: 2000 })) as { error: Error }).error;
  }

  it('every exported error class extends ArmadaError, is registered for the wire and has a sample', () => {
    const registered = new Set<ErrorClass>([...actors.ACTOR_ERRORS, ...WIRE_ERRORS]);
    for (const [name, Class] of PUBLIC_ERRORS) {
      expect(Class === ArmadaError || Class.prototype instanceof ArmadaError, `${name} extends ArmadaError`).to.equal(true);
      expect(registered.has(Class), `${name} is missing from its package's errors list`).to.equal(true);
      expect(SAMPLES, `add a sample of ${name} to this test`).to.have.property(name);
    }
    expect(Object.keys(SAMPLES).filter((name) => !PUBLIC_ERRORS.has(name)), 'samples of classes that are not exported').to.deep.equal([]);
  });

  it('each crosses the wire as its own class on systems given its package list, with code, retryable and cause', async () => {
    const roundTrip = await pair(WIRE_ERRORS);
    for (const [name, Class] of PUBLIC_ERRORS) {
      const sent = SAMPLES[name]!() as ArmadaError;
      const back = (await roundTrip(sent)) as ArmadaError;
      expect(back, name).to.be.instanceOf(Class);
      expect(back.constructor, name).to.equal(Class);
      expect(back.name, name).to.equal(sent.name);
      expect(back.message, name).to.equal(sent.message);
      expect(back.code, name).to.equal(sent.code);
      expect(back.retryable, name).to.equal(sent.retryable);
      expect(back.stack, name).to.equal(sent.stack);
      if (sent.cause === undefined) expect(back.cause, name).to.equal(undefined);
      else expect(back.cause, name).to.be.instanceOf(RangeError).and.include({ message: 'the cause' });
    }
  });

  it('stays a RemoteError on a system that was not given the scheduler classes', async () => {
    const roundTrip = await pair();
    const back = await roundTrip(SAMPLES.TaskError!());
    expect(back).to.be.instanceOf(RemoteError).and.not.instanceOf(TaskError);
    expect(back.name).to.equal('TaskError');
  });
});

import { expect } from 'chai';
import { RetriesExhaustedError, TaskError, WorkerCrashedError } from '../../src/index.js';
import { useMachineCluster } from './machines.js';

describe('User code errors from machine processes over NATS', function () {
  this.timeout(60_000);
  const fx = useMachineCluster(2, { agents: 2 });

  it('rejects with a TaskError that names the remote error and carries its stack', async () => {
    const error = await fx.cluster
      .dmap(
        function unlucky(x: number): number {
          if (x === 13) throw new RangeError(`unlucky ${x}`);
          return x;
        },
        Array.from({ length: 40 }, (_, i) => i),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );

    expect(error).to.be.instanceOf(TaskError);
    const task = error as TaskError;
    expect(task.message).to.include('RangeError: unlucky 13');
    expect(task.remoteName).to.equal('RangeError');
    expect(task.index).to.equal(13);
    expect(fx.machines.map((m) => m.id)).to.include(task.machine);
    const name = fx.machines.find((m) => m.id === task.machine)!.name;
    expect(task.machineName).to.equal(name);
    expect(task.message).to.include(`failed on ${name} (${task.machine})`);
    const [, remote] = task.stack!.split(`--- remote stack (${task.machine}) ---\n`);
    expect(remote, 'the stack has a remote part').to.be.a('string');
    expect(remote).to.match(/^RangeError: unlucky 13\n\s+at unlucky /);
  });

  it('rejects with RetriesExhaustedError when the code exits its thread, and the machines live on', async () => {
    const inputs = Array.from({ length: 20 }, (_, i) => i);
    const error = await fx.cluster
      .dmap(
        (x: number) => {
          if (x === 7) process.exit(1);
          return x + 1;
        },
        inputs,
        { maxRetries: 1 },
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );

    expect(error).to.be.instanceOf(RetriesExhaustedError);
    const exhausted = error as RetriesExhaustedError;
    expect(exhausted.index).to.equal(7);
    expect(exhausted.attempts).to.equal(2);
    expect(exhausted.message).to.include('maxRetries 1');
    expect(exhausted.cause).to.be.instanceOf(WorkerCrashedError);

    for (const m of fx.machines) expect(m.child.exitCode, `machine ${m.name} exit code`).to.equal(null);
    for (const m of fx.machines) expect(m.child.signalCode, `machine ${m.name} signal`).to.equal(null);
    expect(await fx.cluster.dmap((x: number) => x + 1, inputs)).to.deep.equal(inputs.map((x) => x + 1));
    expect((await fx.cluster.view()).machines.map((m) => m.id)).to.have.members(fx.machines.map((m) => m.id));
  });
});

import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Cluster, UntrustedModuleError } from '@armada/scheduler';
import { startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import { runArmada, startArmadaMachine, type ArmadaMachine } from './helpers.js';

describe('armada machine --trust', function () {
  this.timeout(60_000);
  let server: NatsServerHandle;
  let dir: string;
  let machine: ArmadaMachine | undefined;

  before(async () => {
    server = await startNatsServer();
    dir = await mkdtemp(path.join(os.tmpdir(), 'armada-trust-'));
    for (const name of ['fleet', 'other']) {
      const run = await runArmada(['keygen', '--out', path.join(dir, name)]);
      expect(run.code, run.stderr).to.equal(0);
    }
    await writeFile(path.join(dir, 'functions.ts'), 'export function triple(x: number): number {\n  return 3 * x;\n}\n');
    // Other code: a module the machine verified once (same hash) runs whoever names it later, as its code was signed.
    await writeFile(path.join(dir, 'unsigned.ts'), 'export function triple(x: number): number {\n  return x + x + x;\n}\n');
  });
  after(async () => {
    await machine?.kill();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs modules signed with ARMADA_SIGNING_KEY and refuses unsigned, mis-signed and inline code, logging why', async () => {
    machine = await startArmadaMachine(server.url, ['--name', 'trusting', '--agents', '1', '--trust', path.join(dir, 'fleet.pub')]);
    expect(machine.stderr()).to.include('runs only function modules signed by');
    expect(machine.stderr()).not.to.include('runs code sent by anyone');
    const xs = Array.from({ length: 40 }, (_, i) => i);

    process.env.ARMADA_SIGNING_KEY = path.join(dir, 'fleet.key');
    let signed: Cluster;
    try {
      signed = await Cluster.start({ nats: server.url });
    } finally {
      delete process.env.ARMADA_SIGNING_KEY;
    }
    try {
      await signed.waitForMachines(1, 20_000);
      const fns = await signed.importFunctionFile(path.join(dir, 'functions.ts'));
      expect(await signed.dmap(fns.fn<(x: number) => number>('triple'), xs, { timeoutMs: 20_000 })).to.deep.equal(xs.map((x) => 3 * x));
      const inline = await signed.dmap((x: number) => x, xs, { timeoutMs: 20_000 }).catch((e: unknown) => e);
      expect(inline).to.be.instanceOf(UntrustedModuleError);
    } finally {
      await signed.close();
    }

    for (const signingKey of [undefined, await readFile(path.join(dir, 'other.key'), 'utf8')]) {
      const cluster = await Cluster.start({ nats: server.url, ...(signingKey !== undefined ? { signingKey } : {}) });
      try {
        await cluster.waitForMachines(1, 20_000);
        const fns = await cluster.importFunctionFile(path.join(dir, 'unsigned.ts'));
        const error = await cluster.dmap(fns.fn<(x: number) => number>('triple'), xs, { timeoutMs: 20_000 }).catch((e: unknown) => e);
        expect(error, String(error)).to.be.instanceOf(UntrustedModuleError);
      } finally {
        await cluster.close();
      }
    }
    await machine.waitFor('is not signed', 5_000);
    await machine.waitFor('does not verify', 5_000);
    expect(machine.child.exitCode, 'the machine keeps running').to.equal(null);
  });

  it('exits 1 with a clear message when the key file cannot be read', async () => {
    const run = await runArmada(['machine', '--nats', server.url, '--trust', path.join(dir, 'missing.pub')], { timeoutMs: 20_000 });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/--trust .*missing\.pub: cannot read the key file/);
  });
});

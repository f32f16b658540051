import { expect } from 'chai';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNatsServer } from '@armada/transport-nats';
import { runArmada, startArmadaMachine } from './helpers.js';

/** The TypeScript sources of the test program (tests run from dist; fixtures stay in test/). */
const FIXTURE = fileURLToPath(new URL('../../test/fixtures/run-app', import.meta.url));
const REPO_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));

describe('armada run', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'armada-run-'));
    cpSync(FIXTURE, dir, { recursive: true });
    symlinkSync(REPO_MODULES, join(dir, 'node_modules'), 'dir');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a TypeScript program whose actor gets a constructor parameter injected by its type, and passes its arguments', async () => {
    const run = await runArmada(['run', 'app.ts', '--flag', 'x'], { cwd: dir, timeoutMs: 50_000 });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.equal('hello ts\n1,4,9 --flag x\n');
    expect(run.stderr).to.not.include('warning');
  });

  it('warns when armada run\'s own flags come after the file, where they go to the program', async () => {
    const run = await runArmada(['run', 'app.ts', '--nats', 'nats://127.0.0.1:1', '--cluster=blue', '--token', 's3cret'], { cwd: dir, timeoutMs: 50_000 });
    expect(run.stderr).to.include('warning: --nats, --cluster, --token after app.ts go to the program, not to armada run');
    expect(run.stderr).to.include('armada run --nats nats://127.0.0.1:1 --cluster=blue --token … app.ts');
    expect(run.stderr).to.not.include('s3cret');
    // The program still gets them, and runs embedded.
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include('1,4,9 --nats nats://127.0.0.1:1 --cluster=blue --token s3cret');
  });

  it('runs it against a fleet with --nats, exported to the program as ARMADA_NATS_URL', async () => {
    const server = await startNatsServer();
    const machine = await startArmadaMachine(server.url, ['--name', 'r1', '--agents', '1']);
    try {
      const run = await runArmada(['run', '--nats', server.url, 'app.ts'], { cwd: dir, timeoutMs: 50_000 });
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.include('1,4,9');
    } finally {
      await machine.kill();
      await server.stop();
    }
  });

  it('passes --token and --cluster on to the program, whose Cluster.start({ nats: undefined }) joins that cluster with that token', async () => {
    const server = await startNatsServer({ token: 's3cret' });
    const machine = await startArmadaMachine(server.url, ['--name', 'blue-1', '--agents', '1', '--token', 's3cret', '--cluster', 'blue']);
    try {
      const run = await runArmada(['run', '--nats', server.url, '--token', 's3cret', '--cluster', 'blue', 'app.ts'], { cwd: dir, timeoutMs: 50_000 });
      expect(run.code, run.stderr).to.equal(0);
      // Without the token the server refuses the program; without the cluster it finds no machine.
      expect(run.stdout).to.include('1,4,9');
    } finally {
      await machine.kill();
      await server.stop();
    }
  });

  it('fails with the compiler message and exit code 1 on a syntax error, and passes a program exit code on', async () => {
    writeFileSync(join(dir, 'broken.ts'), 'const x: number = ;\n');
    const broken = await runArmada(['run', 'broken.ts'], { cwd: dir });
    expect(broken.code).to.equal(1);
    expect(broken.stderr).to.include('cannot compile');
    expect(broken.stderr).to.include('broken.ts');
    writeFileSync(join(dir, 'exit.ts'), 'process.exit(7 as number);\n');
    expect((await runArmada(['run', 'exit.ts'], { cwd: dir })).code).to.equal(7);
    const missing = await runArmada(['run', 'nope.ts'], { cwd: dir });
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.include('no such file: nope.ts');
  });
});

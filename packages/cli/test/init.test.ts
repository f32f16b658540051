import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runArmada, runInProcess } from './helpers.js';

const exec = promisify(execFile);

describe('armada init', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'armada-init-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates an ESM project on packed tarballs whose own test passes', async () => {
    const project = join(dir, 'my-app');
    const run = await runArmada(['init', project], { timeoutMs: 90_000 });
    expect(run.code, run.stderr).to.equal(0);
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { type: string; dependencies: Record<string, string> };
    expect(pkg.type).to.equal('module');
    expect(pkg.dependencies).to.deep.equal({
      '@armada/actors': 'file:vendor/armada-actors-0.1.0.tgz',
      '@armada/transport-nats': 'file:vendor/armada-transport-nats-0.1.0.tgz',
      '@armada/scheduler': 'file:vendor/armada-scheduler-0.1.0.tgz',
      '@armada/cli': 'file:vendor/armada-cli-0.1.0.tgz',
    });
    const tsconfig = JSON.parse(readFileSync(join(project, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions).to.include({ module: 'NodeNext', experimentalDecorators: true, emitDecoratorMetadata: true });
    expect(readFileSync(join(project, 'README.md'), 'utf8')).to.include('How Armada is installed here');
    expect(readFileSync(join(project, 'src/functions.ts'), 'utf8')).to.include('export function countPrimes');
    const { stdout } = await exec('npm', ['test'], { cwd: project, timeout: 60_000 });
    expect(stdout).to.match(/# pass 3/);
    expect(stdout).to.match(/# fail 0/);
  });

  it('refuses a non-empty directory and a path that is not a clone, with exit code 2', async () => {
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    const busy = await runInProcess(['init', dir, '--no-install']);
    expect(busy.code).to.equal(2);
    expect(busy.stderr).to.include('is not empty; pass --force');
    expect(readFileSync(join(dir, 'keep.txt'), 'utf8')).to.equal('mine');
    const notClone = await runInProcess(['init', join(dir, 'new'), '--no-install', '--armada', dir]);
    expect(notClone.code).to.equal(2);
    expect(notClone.stderr).to.include('is not an Armada clone');
  });
});

import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** The repository root (this file runs from packages/scheduler/dist/test/package/). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');
const PACKAGES = ['actors', 'transport-nats', 'scheduler'];
const NPM_QUIET = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

/** A user's program: an actor asked over the in-memory transport, and a dmap on an embedded cluster. */
const PROGRAM = `
import { Actor, ActorSystem, type ActorRef } from '@armada/actors';
import { NatsTransport } from '@armada/transport-nats';
import { Cluster, SCHEDULER_ERRORS } from '@armada/scheduler';

type CounterMsg = { type: 'inc'; by: number } | { type: 'get' };

class Counter extends Actor<CounterMsg> {
  private n = 0;
  receive(msg: CounterMsg): number | undefined {
    if (msg.type === 'inc') this.n += msg.by;
    else return this.n;
    return undefined;
  }
}

const system = await ActorSystem.create();
const counter: ActorRef<CounterMsg> = system.spawn(Counter, { name: 'counter' });
counter.tell({ type: 'inc', by: 2 });
const count = await counter.ask<number>({ type: 'get' }, { timeoutMs: 5000 });
await system.terminate();

const cluster = await Cluster.start({ machines: 1, agentsPerMachine: 1 });
const doubled = await cluster.dmap((x: number) => x * 2, [1, 2, 3], { timeoutMs: 20000 });
const view = await cluster.view();
await cluster.close();

console.log(JSON.stringify({ count, doubled, machines: view.machines.length, transport: typeof NatsTransport, errors: SCHEDULER_ERRORS.length > 0 }));
`;

describe('the published packages', function () {
  this.timeout(90_000);
  let dir: string | undefined;

  after(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('pack with built files, types and a README, install into an ESM project and run there', async () => {
    dir = await mkdtemp(join(tmpdir(), 'armada-pack-'));
    const workspaces = PACKAGES.flatMap((p) => ['-w', `packages/${p}`]);
    const { stdout: packed } = await run('npm', ['pack', ...workspaces, '--pack-destination', dir, '--json', '--loglevel=error'], { cwd: ROOT });
    const tarballs = JSON.parse(packed) as { name: string; filename: string; files: { path: string }[] }[];
    expect(tarballs.map((t) => t.name)).to.deep.equal(['@armada/actors', '@armada/transport-nats', '@armada/scheduler']);
    for (const t of tarballs) {
      const files = t.files.map((f) => f.path);
      expect(files, t.name).to.include.members(['README.md', 'package.json', 'dist/src/index.js', 'dist/src/index.d.ts']);
      expect(files.filter((f) => f.includes('/test/') || /\.c?ts$/.test(f) && !/\.d\.c?ts$/.test(f)), t.name).to.deep.equal([]);
    }
    expect(tarballs[2]!.files.map((f) => f.path)).to.include.members(['dist/src/worker/worker-thread.cjs', 'dist/src/worker/run-batch.cjs', 'dist/src/worker/run-batch.d.cts']);

    const app = join(dir, 'app');
    const dependencies = Object.fromEntries(tarballs.map((t) => [t.name, `file:../${t.filename.replace(/^.*\//, '')}`]));
    await run('mkdir', [app]);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'armada-user', private: true, type: 'module', dependencies }));
    await writeFile(join(app, 'main.ts'), PROGRAM);
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          typeRoots: [join(ROOT, 'node_modules/@types')],
          types: ['node'],
        },
        files: ['main.ts'],
      }),
    );
    await run('npm', ['install', ...NPM_QUIET], { cwd: app });

    // Type-checks against the installed declarations (the exports maps' types conditions), then runs.
    await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app });
    const { stdout } = await run(process.execPath, ['main.js'], { cwd: app, timeout: 60_000 });
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).to.deep.equal({ count: 2, doubled: [2, 4, 6], machines: 1, transport: 'function', errors: true });

    // Deep imports are closed; the documented entry points are open.
    const probe = `for (const s of ['@armada/actors/internal', '@armada/actors/testkit', '@armada/transport-nats/internal', '@armada/scheduler/testing', '@armada/scheduler/dist/src/cluster.js']) {
      try { await import(s); console.log(s, 'ok'); } catch (e) { console.log(s, e.code); }
    }`;
    await writeFile(join(app, 'probe.mjs'), probe);
    const { stdout: probed } = await run(process.execPath, ['probe.mjs'], { cwd: app });
    expect(probed.trim().split('\n')).to.deep.equal([
      '@armada/actors/internal ok',
      '@armada/actors/testkit ok',
      '@armada/transport-nats/internal ok',
      '@armada/scheduler/testing ok',
      '@armada/scheduler/dist/src/cluster.js ERR_PACKAGE_PATH_NOT_EXPORTED',
    ]);
    // Each Armada package is installed once, from its tarball (never from a registry).
    const lock = JSON.parse(await readFile(join(app, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string }> };
    const armada = Object.entries(lock.packages).filter(([path]) => path.includes('node_modules/@armada/'));
    expect(armada.map(([path]) => path).sort()).to.deep.equal(['node_modules/@armada/actors', 'node_modules/@armada/scheduler', 'node_modules/@armada/transport-nats']);
  });
});

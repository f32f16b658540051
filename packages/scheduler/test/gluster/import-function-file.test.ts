import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BundleError, Cluster, TaskError, UnknownFunctionError } from '../../src/index.js';

describe('Cluster.importFunctionFile (embedded)', function () {
  this.timeout(30_000);
  let dir: string;
  let cluster: Cluster;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'armada-import-'));
    // A fresh module cache, so nothing is on disk from an earlier run.
    cluster = await Cluster.start({ machines: 2, agentsPerMachine: 1, definitions: { modules: { dir: path.join(dir, 'cache') } } });
    await writeFile(path.join(dir, 'helpers.ts'), 'export const twice = (x: number): number => 2 * x;\n');
    await writeFile(
      path.join(dir, 'functions.ts'),
      [
        "import { twice } from './helpers.js';",
        'export function square(x: number): number {',
        '  return x * x;',
        '}',
        'export function quadruple(x: number): number {',
        '  return twice(twice(x));',
        '}',
        'export function explode(x: number): number {',
        "  if (x === 3) throw new RangeError('three is right out');",
        '  return x;',
        '}',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await cluster.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs exported functions, helpers included, with dmap; ships the module once per machine', async () => {
    const fns = await cluster.importFunctionFile(path.join(dir, 'functions.ts'));
    expect(fns.name).to.equal('functions');
    expect([...fns.exports].sort()).to.deep.equal(['explode', 'quadruple', 'square']);
    const xs = Array.from({ length: 200 }, (_, i) => i);
    expect(await cluster.dmap(fns.fn<(x: number) => number>('quadruple'), xs)).to.deep.equal(xs.map((x) => 4 * x));
    expect(await cluster.dmap(fns.fn<(x: number) => number>('square'), xs)).to.deep.equal(xs.map((x) => x * x));
    const first = cluster.transferStats();
    expect(first.bytes, 'module bytes sent').to.be.greaterThan(0);
    expect(Object.keys(first.byMachine).length).to.be.at.most(2);
    for (const bytes of Object.values(first.byMachine)) expect(bytes, 'each machine got the module once').to.equal(Buffer.byteLength(fns.bundle.code));

    const again = await cluster.importFunctionFile(path.join(dir, 'functions.ts'));
    expect(again.hash, 'an unchanged file has the same hash').to.equal(fns.hash);
    expect(await cluster.dmap(again.fn<(x: number) => number>('square'), [7])).to.deep.equal([49]);
    expect(cluster.transferStats().bytes, 'a second import ships no code').to.equal(first.bytes);
  });

  it('gives a changed file a new hash while a job on the old hash finishes on the old code', async () => {
    const file = path.join(dir, 'versioned.ts');
    const source = (v: string) => `export async function version(ms: number): Promise<string> {\n  await new Promise((r) => setTimeout(r, ms));\n  return '${v}';\n}\n`;
    await writeFile(file, source('v1'));
    const v1 = await cluster.importFunctionFile(file);
    const old = cluster.dmap(v1.fn<(ms: number) => Promise<string>>('version'), [300]);
    await writeFile(file, source('v2'));
    const v2 = await cluster.importFunctionFile(file);
    expect(v2.hash).to.not.equal(v1.hash);
    expect(await cluster.dmap(v2.fn<(ms: number) => Promise<string>>('version'), [0])).to.deep.equal(['v2']);
    expect(await old).to.deep.equal(['v1']);
  });

  it("maps remote stacks to the user's file and line", async () => {
    const fns = await cluster.importFunctionFile(path.join(dir, 'functions.ts'));
    const error = await cluster.dmap(fns.fn<(x: number) => number>('explode'), [1, 2, 3]).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TaskError);
    expect((error as TaskError).remoteName).to.equal('RangeError');
    expect((error as TaskError).stack).to.include(`${path.join(dir, 'functions.ts')}:9:`);
    expect((error as TaskError).message).to.match(/failed on local-\d \(/);
  });

  it('fails the import with the bundler message when the file does not bundle', async () => {
    await writeFile(path.join(dir, 'broken.ts'), 'export function f(x: number) {\n  return x +;\n}\n');
    const error = await cluster.importFunctionFile(path.join(dir, 'broken.ts')).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(BundleError);
    expect((error as Error).message).to.include('broken.ts:2:');
    const missing = await cluster.importFunctionFile(path.join(dir, 'nope.ts')).catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(BundleError);
  });

  it('fails the job, never hangs, when the module throws as it loads on a machine', async () => {
    await writeFile(path.join(dir, 'unloadable.ts'), "export const f = (x: number) => x;\nif (typeof globalThis === 'object') throw new Error('no config on this machine');\n");
    const fns = await cluster.importFunctionFile(path.join(dir, 'unloadable.ts'));
    const error = await cluster.dmap(fns.fn<(x: number) => number>('f'), [1, 2]).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TaskError);
    expect((error as TaskError).remoteName).to.equal('ModuleLoadError');
    expect((error as Error).message).to.include('no config on this machine');
  });

  it('names the exports when asked for one that does not exist', async () => {
    const fns = await cluster.importFunctionFile(path.join(dir, 'functions.ts'));
    expect(() => fns.fn('cube')).to.throw(UnknownFunctionError, /functions\.explode, functions\.quadruple, functions\.square/);
  });
});

import { expect } from 'chai';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError } from '@armada/actors';
import { Cluster, UntrustedModuleError, type ClusterOptions } from '../../src/index.js';

const pem = (k: KeyObject, type: 'pkcs8' | 'spki') => k.export({ format: 'pem', type }) as string;

describe('signed function modules on trusting machines (embedded)', function () {
  this.timeout(30_000);
  const ours = generateKeyPairSync('ed25519');
  const theirs = generateKeyPairSync('ed25519');
  let dir: string;
  let file: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'armada-signed-'));
    file = path.join(dir, 'functions.ts');
    await writeFile(file, 'export function square(x: number): number {\n  return x * x;\n}\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** A master (signing with `signingKey`, if any) and one machine trusting our public key. */
  async function withCluster<T>(options: Partial<ClusterOptions>, run: (cluster: Cluster) => Promise<T>): Promise<T> {
    const cluster = await Cluster.start({
      machines: 1,
      agentsPerMachine: 1,
      definitions: { trust: pem(ours.publicKey, 'spki'), modules: { dir: path.join(dir, 'cache') } },
      ...options,
    });
    try {
      return await run(cluster);
    } finally {
      await cluster.close();
    }
  }

  it('runs a module signed by the trusted key', async () => {
    await withCluster({ signingKey: pem(ours.privateKey, 'pkcs8') }, async (cluster) => {
      const fns = await cluster.importFunctionFile(file);
      const xs = Array.from({ length: 50 }, (_, i) => i);
      expect(await cluster.dmap(fns.fn<(x: number) => number>('square'), xs)).to.deep.equal(xs.map((x) => x * x));
    });
  });

  it('refuses an unsigned module with UntrustedModuleError', async () => {
    await withCluster({}, async (cluster) => {
      const fns = await cluster.importFunctionFile(file);
      const error = await cluster.dmap(fns.fn<(x: number) => number>('square'), [1, 2, 3]).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(UntrustedModuleError);
      expect((error as UntrustedModuleError).code).to.equal('ERR_UNTRUSTED_MODULE');
      expect((error as Error).message).to.match(/not signed/);
    });
  });

  it('refuses a module signed by another key with UntrustedModuleError', async () => {
    await withCluster({ signingKey: theirs.privateKey }, async (cluster) => {
      const fns = await cluster.importFunctionFile(file);
      const error = await cluster.dmap(fns.fn<(x: number) => number>('square'), [1, 2, 3]).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(UntrustedModuleError);
      expect((error as Error).message).to.match(/does not verify/);
    });
  });

  it('refuses inline source functions, which are never signed', async () => {
    await withCluster({ signingKey: ours.privateKey }, async (cluster) => {
      const error = await cluster.dmap((x: number) => x + 1, [1, 2]).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(UntrustedModuleError);
      expect((error as Error).message).to.match(/inline function/);
    });
  });

  it('rejects a signing key that is not an ed25519 private key', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    for (const signingKey of [pem(ours.publicKey, 'spki'), rsa.privateKey, 'not a key']) {
      const error = await Cluster.start({ machines: 1, agentsPerMachine: 1, signingKey }).catch((e: unknown) => e);
      expect(error, String(signingKey)).to.be.instanceOf(InvalidArgumentError);
    }
    process.env.ARMADA_SIGNING_KEY = path.join(dir, 'no-such.key');
    try {
      const error = await Cluster.start({ machines: 1, agentsPerMachine: 1 }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(InvalidArgumentError);
      expect((error as Error).message).to.match(/ARMADA_SIGNING_KEY names .*no-such\.key, which cannot be read/);
    } finally {
      delete process.env.ARMADA_SIGNING_KEY;
    }
  });

  it('rejects a trusted key that is not an ed25519 public key', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    for (const trust of [pem(rsa.publicKey, 'spki'), 'not a key']) {
      const error = await Cluster.start({ machines: 1, agentsPerMachine: 1, definitions: { trust } }).catch((e: unknown) => e);
      expect(error, trust).to.be.instanceOf(InvalidArgumentError);
    }
  });
});

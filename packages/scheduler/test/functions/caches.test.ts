import { expect } from 'chai';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ModuleCache } from '../../src/functions/module-cache.js';
import { ShareCache } from '../../src/functions/share-cache.js';

describe('ShareCache', () => {
  it('keeps values within its byte budget, dropping the least recently used', () => {
    const cache = new ShareCache(100);
    cache.set('a', 'A', 40);
    cache.set('b', 'B', 40);
    expect(cache.get('a')).to.deep.equal({ value: 'A' });
    cache.set('c', 'C', 40);
    expect(cache.get('b'), 'b was least recently used').to.equal(undefined);
    expect(cache.get('a')).to.deep.equal({ value: 'A' });
    expect(cache.bytes).to.equal(80);
    cache.set('huge', 'H', 101);
    expect(cache.get('huge'), 'larger than the budget: not kept').to.equal(undefined);
    expect(cache.evicted).to.equal(1);
  });
});

describe('ModuleCache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'armada-modcache-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes modules by hash and trims the folder to its byte bound, oldest first', async () => {
    const cache = new ModuleCache({ dir, maxBytes: 250 });
    const code = (c: string) => c.repeat(100);
    const hashes = ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb', 'cccccccccccccccc'];
    const url = await cache.put(hashes[0]!, code('a'));
    expect(url).to.match(/^file:.*aaaaaaaaaaaaaaaa\.mjs$/);
    await cache.put(hashes[1]!, code('b'));
    await cache.put(hashes[2]!, code('c'));
    expect((await readdir(dir)).sort()).to.deep.equal(['bbbbbbbbbbbbbbbb.mjs', 'cccccccccccccccc.mjs']);
    expect(await cache.get(hashes[0]!)).to.equal(undefined);
    // Another cache on the same folder (another machine of the host) finds what is there.
    expect(await new ModuleCache({ dir }).get(hashes[2]!)).to.equal(url.replace(/a{16}/, 'c'.repeat(16)));
  });

  it('rejects names that are not hashes', async () => {
    const error = await new ModuleCache({ dir }).put('../escape', 'x').catch((e: unknown) => e);
    expect((error as Error).name).to.equal('InvalidArgumentError');
  });
});

import { expect } from 'chai';
import { Cluster } from '@armada/scheduler';
import { compareFactorials, fac } from '../src/factorial.js';

describe('factorial example', function () {
  this.timeout(30_000);

  it('computes the same factorials with map, pmap and dmap on an embedded cluster', async () => {
    expect(fac(20n)).to.equal(2432902008176640000n);
    const cluster = await Cluster.start({ machines: 2, agentsPerMachine: 1 });
    try {
      const progress: number[] = [];
      const times = await compareFactorials(cluster, 300, (done) => progress.push(done));
      expect(progress.at(-1)).to.equal(300);
      for (const ms of Object.values(times)) expect(ms).to.be.greaterThan(0);
    } finally {
      await cluster.close();
    }
  });
});

describe('factorial example master.js', function () {
  this.timeout(30_000);
  const MASTER = new URL('../src/master.js', import.meta.url).pathname;
  const run = async (args: string[]) => {
    const { spawnSync } = await import('node:child_process');
    return spawnSync(process.execPath, [MASTER, ...args], { encoding: 'utf8', timeout: 20_000 });
  };

  it('prints its usage for --help (exit 0) and for an unknown option (exit 2), without a stack trace', async () => {
    const help = await run(['--help']);
    expect(help.status).to.equal(0);
    expect(help.stdout).to.include('usage: master.js');
    const bad = await run(['--cores', '2']);
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.include("Unknown option '--cores'");
    expect(bad.stderr).to.not.include('    at ');
  });
});

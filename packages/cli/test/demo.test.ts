import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServer } from '@armada/transport-nats';
import { allReady, runArmada, startArmadaMachine } from './helpers.js';

interface DemoJson {
  rows: Array<{ run: string; placement: string; stealing: boolean | null; ms: number; runs: number[]; speedup: number }>;
}

describe('armada demo', function () {
  this.timeout(60_000);

  it('runs map, pmap and dmap in every mode with stealing on and off, twice each, on the embedded default, and writes the CSV', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'armada-demo-'));
    try {
      const csv = join(dir, 'results.csv');
      const run = await runArmada(['demo', '--up-to', '300', '--json', '--csv', csv], { timeoutMs: 50_000 });
      expect(run.code, run.stderr).to.equal(0);
      const out = JSON.parse(run.stdout) as DemoJson;
      expect(out.rows.map((r) => `${r.run} ${r.placement} ${r.stealing ?? '-'}`)).to.deep.equal([
        'map this thread, best of 2 -',
        `pmap ${out.rows[1]!.placement} -`,
        `pmap ${out.rows[2]!.placement} -`,
        'dmap round-robin true',
        'dmap round-robin false',
        'dmap low-latency true',
        'dmap low-latency false',
        'dmap by-memory true',
        'dmap by-memory false',
      ]);
      for (const r of out.rows) {
        expect(r.runs, `${r.run} ${r.placement}`).to.have.length(2);
        expect(r.ms).to.equal(Math.min(...r.runs));
        expect(r.ms).to.be.above(0);
      }
      const map = out.rows[0]!;
      for (const r of out.rows) expect(r.speedup).to.be.closeTo(map.ms / r.ms, 1e-9);
      const lines = readFileSync(csv, 'utf8').trim().split('\n');
      expect(lines[0]).to.equal('run,placement,stealing,ms,speedup');
      expect(lines).to.have.length(10);
      expect(out.rows[1]!.placement).to.match(/threads, pool started in the call$/);
      expect(out.rows[2]!.placement).to.match(/threads, warm pool$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs on the machines of a fleet with --nats, and fails clearly when they do not come', async () => {
    const server = await startNatsServer();
    const machines = await allReady(['x1', 'x2'].map((name) => startArmadaMachine(server.url, ['--name', name, '--agents', '1'])));
    try {
      const run = await runArmada(['demo', '--nats', server.url, '--machines', '2', '--up-to', '200'], { timeoutMs: 50_000 });
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.include(`2 machines on ${server.url} (2 agents)`);
      expect(run.stdout).to.match(/^dmap +by-memory +off/m);
      const missing = await runArmada(['demo', '--nats', server.url, '--machines', '3', '--up-to', '10', '--wait', '500']);
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.include('start them with: armada machine --nats');
      expect(missing.stderr, 'fails before it runs anything').to.not.include('running map');
      const unreachable = await runArmada(['demo', '--nats', 'nats://127.0.0.1:1', '--machines', '1', '--up-to', '10']);
      expect(unreachable.code).to.equal(1);
      expect(unreachable.stderr).to.include('cannot reach the cluster');
      expect(unreachable.stderr, 'fails before it runs anything').to.not.include('running map');
    } finally {
      await Promise.all(machines.map((m) => m.kill()));
      await server.stop();
    }
  });
});

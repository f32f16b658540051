import { expect } from 'chai';
import net from 'node:net';
import { Cluster } from '@armada/scheduler';
import { startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import { spawn } from 'node:child_process';
import { allReady, ARMADA_BIN, runArmada, startArmadaMachine, type ArmadaMachine } from './helpers.js';

/** A TCP server that accepts connections and never says a word, as a wrong port or a stuck proxy would. */
async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `nats://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
  };
}

describe('armada machine', function () {
  this.timeout(60_000);
  const started: ArmadaMachine[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((m) => m.kill()));
  });

  it('gives up on a server that accepts and never answers, with a clear error and exit code 1, within the connect timeout', async () => {
    const silent = await silentServer();
    try {
      const run = await runArmada(['machine', '--nats', silent.url, '--agents', '1', '--connect-timeout', '1000']);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include(`connecting to ${silent.url}`);
      expect(run.stderr).to.include('no NATS handshake within 1000 ms');
      // Node start-up plus the timeout; the NATS client's own default would be 20 s.
      expect(run.ms).to.be.below(8_000);
    } finally {
      await silent.close();
    }
  });

  it('logs JSON lines with --log-format json, the failure included', async () => {
    const run = await runArmada(['machine', '--nats', 'nats://127.0.0.1:1', '--agents', '1', '--log-format', 'json']);
    expect(run.code).to.equal(1);
    const lines = run.stderr.trim().split('\n').map((l) => JSON.parse(l) as { level: string; msg: string; exitCode?: number });
    expect(lines[0]!.msg).to.equal('connecting to nats://127.0.0.1:1');
    expect(lines.at(-1)).to.include({ level: 'error', exitCode: 1 });
    expect(lines.at(-1)!.msg).to.include('connection refused');
  });

  describe('against a token-protected server', () => {
    let server: NatsServerHandle;
    before(async () => (server = await startNatsServer({ token: 's3cret' })));
    after(() => server.stop());

    it('cannot join without the token or with a wrong one, and says why', async () => {
      for (const args of [[], ['--token', 'wrong']]) {
        const run = await runArmada(['machine', '--nats', server.url, '--agents', '1', ...args]);
        expect(run.code, args.join(' ')).to.equal(1);
        expect(run.stderr).to.include('rejected the credentials');
      }
    });

    it('joins with the token from ARMADA_TOKEN', async () => {
      const m = await startArmadaMachine(server.url, ['--agents', '1'], { ARMADA_TOKEN: 's3cret' });
      started.push(m);
      expect(m.stderr()).to.include('machine ready');
    });
  });

  describe('against a user/password-protected server', () => {
    let server: NatsServerHandle;
    before(async () => (server = await startNatsServer({ user: 'fleet', pass: 'pw' })));
    after(() => server.stop());

    it('cannot join with a wrong password, and joins with the right one', async () => {
      const run = await runArmada(['machine', '--nats', server.url, '--agents', '1', '--user', 'fleet', '--password', 'nope']);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include('rejected the credentials');
      const m = await startArmadaMachine(server.url, ['--agents', '1', '--user', 'fleet', '--password', 'pw']);
      started.push(m);
    });
  });

  describe('in a fleet', () => {
    let server: NatsServerHandle;
    before(async () => (server = await startNatsServer()));
    after(() => server.stop());

    it('shows every machine in armada status --json, and in the table', async () => {
      const fleet = await allReady(['s1', 's2'].map((name) => startArmadaMachine(server.url, ['--name', name, '--agents', '1'])));
      started.push(...fleet);
      const run = await runArmada(['status', '--nats', server.url, '--json', '--expect', '2', '--wait', '10000']);
      expect(run.code, run.stderr).to.equal(0);
      const view = JSON.parse(run.stdout) as { machines: Array<{ id: string; name: string; agents: unknown[]; stats: { freeMemory: number } }> };
      expect(view.machines.map((m) => m.name).sort()).to.deep.equal(['s1', 's2']);
      expect(view.machines.map((m) => m.id).sort()).to.deep.equal(fleet.map((m) => m.id).sort());
      for (const m of view.machines) {
        expect(m.agents).to.have.length(1);
        expect(m.stats.freeMemory).to.be.above(0);
      }
      const table = await runArmada(['status', '--nats', server.url, '--expect', '2', '--wait', '10000']);
      expect(table.code).to.equal(0);
      expect(table.stdout).to.match(/2 machine\(s\), 2 agent\(s\)/);
      expect(table.stdout).to.match(/^s1 /m);
      // The status master says goodbye as it closes, so machines forget it at once and without a warning.
      await fleet[0]!.waitFor('master left', 5_000);
      expect(fleet[0]!.stderr()).to.not.include('master stopped answering');
    });

    it("shows each agent's running, done and stolen counts: done sums to the job's packets, stolen in to stolen out", async () => {
      // The default heartbeat period: far shorter ones on a loaded host can take a packet in transit
      // for lost and run it twice (the master keeps one result), which would show in the counts.
      // No tail copies either, for the same reason: with `--no-tail-copies` every packet runs once.
      const flags = ['--agents', '2', '--slow-fraction', '0.5', '--slow-factor', '3', '--no-tail-copies'];
      const fleet = await allReady(['c1', 'c2'].map((name) => startArmadaMachine(server.url, ['--name', name, ...flags])));
      started.push(...fleet);
      const cluster = await Cluster.start({ nats: server.url });
      const xs = Array.from({ length: 300 }, (_, i) => i);
      try {
        await cluster.waitForMachines(2, 10_000);
        const out = await cluster.dmap(async (x: number) => (await new Promise((r) => setTimeout(r, 2)), x + 1), xs);
        expect(out).to.deep.equal(xs.map((x) => x + 1));
      } finally {
        await cluster.close();
      }
      // A new master (the status command) sees what the agents did for the one that left.
      const run = await runArmada(['status', '--nats', server.url, '--json', '--expect', '2', '--wait', '10000']);
      expect(run.code, run.stderr).to.equal(0);
      type Agent = { queued: number; running?: number; done?: number; stolenIn?: number; stolenOut?: number };
      const view = JSON.parse(run.stdout) as { machines: Array<{ name: string; agents: Agent[] }> };
      const agents = view.machines.filter((m) => m.name === 'c1' || m.name === 'c2').flatMap((m) => m.agents);
      expect(agents).to.have.length(4);
      const sum = (k: 'done' | 'stolenIn' | 'stolenOut' | 'running') => agents.reduce((n, a) => n + a[k]!, 0);
      for (const a of agents) expect(a.done, JSON.stringify(a)).to.be.a('number');
      expect(sum('done')).to.equal(xs.length);
      expect(sum('stolenIn')).to.equal(sum('stolenOut'));
      expect(sum('running')).to.equal(0);
      const table = await runArmada(['status', '--nats', server.url, '--expect', '2', '--wait', '10000']);
      expect(table.code).to.equal(0);
      expect(table.stdout).to.match(/MACHINE\s+AGENT\s+QUEUED\s+RUNNING\s+DONE\s+STOLEN IN\s+STOLEN OUT\s+PLACED/);
      expect(table.stdout).to.match(/^\s+c1\s+agent-0\s+0\s+0\s+\d+/m);
    });

    it('prints a fresh view per interval with status --watch --json, and exits 0 on SIGINT', async () => {
      const m = await startArmadaMachine(server.url, ['--name', 'w1', '--agents', '1']);
      started.push(m);
      const child = spawn(process.execPath, [ARMADA_BIN, 'status', '--nats', server.url, '--json', '--watch', '--interval', '200', '--expect', '1', '--wait', '10000'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const views: Array<{ machines: Array<{ name: string }> }> = [];
      let buffer = '';
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fewer than 3 views in 15 s: ${buffer}`)), 15_000);
        child.stdout.on('data', (chunk: Buffer) => {
          buffer += chunk.toString('utf8');
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            views.push(JSON.parse(buffer.slice(0, nl)) as (typeof views)[number]);
            buffer = buffer.slice(nl + 1);
          }
          if (views.length >= 3) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      child.kill('SIGINT');
      expect(await exited).to.equal(0);
      for (const view of views) expect(view.machines.map((x) => x.name)).to.include('w1');
    });

    it('drains on SIGTERM mid-job: exit 0, every result once, no retry charged', async () => {
      const [a, b] = await allReady(['d1', 'd2'].map((name) => startArmadaMachine(server.url, ['--name', name, '--agents', '1'])));
      started.push(a!, b!);
      const cluster = await Cluster.start({ nats: server.url, master: { deadAfterMs: 60_000 } });
      try {
        await cluster.waitForMachines(2, 10_000);
        const xs = Array.from({ length: 400 }, (_, i) => i);
        let signalled = false;
        // maxRetries 0: a packet charged a retry (its machine lost) would fail the whole job.
        const out = await cluster.dmap(
          async (x: number) => {
            await new Promise((r) => setTimeout(r, 3));
            return x * x;
          },
          xs,
          { maxRetries: 0, progress: (done) => void (done >= 80 && !signalled && ((signalled = true), a!.child.kill('SIGTERM'))) },
        );
        expect(out).to.deep.equal(xs.map((x) => x * x));
        expect(signalled).to.equal(true);
        const exit = await a!.exited;
        expect(exit.code, a!.stderr()).to.equal(0);
        expect(a!.stderr()).to.include('machine stopped');
        // placedAgain may be above 0 when a peer stole from the machine just as it left (the master
        // then hears of the move after the deregistration); those packets run again uncharged, and
        // the copy that comes second is dropped.
        expect(a!.stderr()).to.match(/emptied=true placedAgain=\d+ unanswered=0/);
        const view = await cluster.view();
        expect(view.machines.map((m) => m.name)).to.deep.equal(['d2']);
      } finally {
        await cluster.close();
      }
    });

    it('exits at once on a second signal while draining', async () => {
      const m = await startArmadaMachine(server.url, ['--name', 'stubborn', '--agents', '1']);
      started.push(m);
      const cluster = await Cluster.start({ nats: server.url });
      try {
        await cluster.waitForMachines(1, 10_000);
        const job = cluster.dmap(async () => new Promise((r) => setTimeout(r, 20_000)), [0], { maxRetries: 0 }).catch((e: unknown) => e);
        // The master books the packet on the machine's agent as it sends it.
        while (!(await cluster.view()).machines.some((x) => x.agents.some((ag) => ag.outstanding > 0))) await new Promise((r) => setTimeout(r, 20));
        m.child.kill('SIGTERM');
        await m.waitFor('draining');
        const sent = performance.now();
        m.child.kill('SIGTERM');
        const exit = await m.exited;
        // "At once" against a packet that would take 20 s; the margin is for a busy test host.
        expect(performance.now() - sent).to.be.below(5_000);
        expect(exit.code).to.equal(1);
        expect(m.stderr()).to.include('second signal');
        await cluster.close();
        await job;
      } finally {
        await cluster.close();
      }
    });
  });
});

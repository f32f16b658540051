import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Cluster } from '@armada/scheduler';
import { startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import { startArmadaMachine, type ArmadaMachine } from './helpers.js';

/** The clone's root, where `npx armada` finds the bin (the root depends on @armada/cli). */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

interface NpxMachine {
  readonly npx: ChildProcess;
  stderr(): string;
  /** Resolves once every holder of the output pipes (npm, sh and the machine's node) has exited. */
  readonly closed: Promise<void>;
}

/** `npx armada machine …` as the README tells users to start it, in its own process group. */
async function startWithNpx(nats: string, name: string): Promise<NpxMachine> {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('ARMADA_') || key.startsWith('npm_')) delete env[key];
  const npx = spawn('npx', ['armada', 'machine', '--nats', nats, '--name', name, '--agents', '1'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  npx.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const closed = new Promise<void>((resolve) => npx.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within 30 s; stderr:\n${stderr}`)), 30_000);
    const check = () => stderr.includes('machine ready') && (clearTimeout(timer), npx.stderr!.off('data', check), resolve());
    npx.stderr!.on('data', check);
    void closed.then(() => (clearTimeout(timer), reject(new Error(`exited before ready; stderr:\n${stderr}`))));
  });
  return { npx, stderr: () => stderr, closed };
}

describe('npx armada machine and signals', function () {
  this.timeout(90_000);
  let server: NatsServerHandle;
  const started: NpxMachine[] = [];
  /** Takes the packets the drained machine never got: a drain finishes what is queued, nothing more. */
  let other: ArmadaMachine;
  before(async () => {
    server = await startNatsServer();
    other = await startArmadaMachine(server.url, ['--name', 'stays', '--agents', '1']);
  });
  after(async () => {
    await other?.kill();
    for (const m of started) if (m.npx.pid !== undefined) try { process.kill(-m.npx.pid, 'SIGKILL'); } catch { /* gone */ }
    await server?.stop();
  });

  for (const target of ['npx-pid', 'process-group'] as const) {
    it(`drains mid-job on a SIGTERM to ${target === 'npx-pid' ? "npx's PID (kill $!)" : 'the process group (kill %1)'}, losing nothing, and leaves no process behind`, async () => {
      const m = await startWithNpx(server.url, `npx-${target}`);
      started.push(m);
      const cluster = await Cluster.start({ nats: server.url, master: { deadAfterMs: 60_000 } });
      try {
        await cluster.waitForMachines(2, 10_000);
        const xs = Array.from({ length: 200 }, (_, i) => i);
        let signalled = false;
        const signal = () => {
          signalled = true;
          if (target === 'npx-pid') m.npx.kill('SIGTERM');
          else process.kill(-m.npx.pid!, 'SIGTERM');
        };
        // maxRetries 0: a packet charged a retry (its machine lost) fails the job.
        const out = await cluster
          .dmap(async (x: number) => (await new Promise((r) => setTimeout(r, 5)), x * 2), xs, {
            maxRetries: 0,
            progress: (done) => void (done >= 20 && !signalled && signal()),
          })
          .catch((error: unknown) => {
            throw new Error(`${(error as Error).message}; the machine's stderr:\n${m.stderr()}`, { cause: error });
          });
        expect(out).to.deep.equal(xs.map((x) => x * 2));
        // The node process holds the pipe: it closes once the machine itself has exited.
        await m.closed;
        expect(m.stderr()).to.include('draining: finishing queued work');
        expect(m.stderr()).to.match(/machine stopped .*emptied=true/);
        expect(m.stderr()).to.not.include('second signal: exiting');
      } finally {
        await cluster.close();
      }
    });
  }
});

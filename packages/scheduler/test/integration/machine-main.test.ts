import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { freePort } from '@armada/transport-nats';
import { MACHINE_MAIN } from './machines.js';

const EXIT_TIMEOUT_MS = 15_000;

interface Exit {
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs the machine entry point with `args` and resolves once it exits; kills it and rejects if it does not in time. */
function runMain(args: string[]): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MACHINE_MAIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`machine ${args.join(' ')} did not exit within ${EXIT_TIMEOUT_MS} ms; stderr:\n${stderr}`));
    }, EXIT_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('The machine entry point', function () {
  this.timeout(30_000);
  let unreachable: string;

  before(async () => {
    // Nothing listens there, so a connect is refused at once.
    unreachable = `nats://127.0.0.1:${await freePort()}`;
  });

  it('exits with code 2 and the usage when --agents is not a number', async () => {
    const { code, stderr } = await runMain(['--nats', unreachable, '--agents', 'notanumber']);
    expect(code).to.equal(2);
    expect(stderr).to.include('--agents must be a number, got "notanumber"');
    expect(stderr).to.include('usage: armada-machine --nats <url>');
  });

  it('exits with code 2 and the usage when --agents is not a positive integer', async () => {
    const { code, stderr } = await runMain(['--nats', unreachable, '--agents', '0']);
    expect(code).to.equal(2);
    expect(stderr).to.include('agents must be a positive integer, got 0');
    expect(stderr).to.include('usage: armada-machine --nats <url>');
  });

  it('exits with code 2 and the usage when --nats is missing', async () => {
    const { code, stderr } = await runMain(['--agents', '2']);
    expect(code).to.equal(2);
    expect(stderr).to.include('--nats is required');
    expect(stderr).to.include('usage: armada-machine --nats <url>');
  });

  it('exits with code 2 and the usage on an unknown option', async () => {
    const { code, stderr } = await runMain(['--nats', unreachable, '--cores', '2']);
    expect(code).to.equal(2);
    expect(stderr).to.include("'--cores'");
    expect(stderr).to.include('usage: armada-machine --nats <url>');
  });

  it('exits with code 1 when NATS cannot be reached', async () => {
    const { code, stderr } = await runMain(['--nats', unreachable, '--agents', '1']);
    expect(code).to.equal(1);
    expect(stderr).to.include('cannot start the machine');
    expect(stderr).to.include(unreachable);
  });
});

import { expect } from 'chai';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArmadaError } from '@armada/actors';
import { NatsServerNotFoundError, NatsServerStartError, findNatsServer, startNatsServer } from '../src/index.js';

/** Resolves true if something accepts TCP connections on 127.0.0.1:port, false if refused. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(2000, () => {
      socket.destroy();
      reject(new Error(`no answer from port ${port} within 2000 ms`));
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' ? resolve(false) : reject(error)));
  });
}

describe('startNatsServer', function () {
  this.timeout(30_000);

  it('says how to install nats-server when the binary is missing', async () => {
    const error = await startNatsServer({ binary: '/nonexistent/nats-server' }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(NatsServerNotFoundError);
    expect(error).to.be.instanceOf(ArmadaError);
    expect((error as Error).message).to.include('apt-get update && apt-get install -y nats-server');
    expect((error as Error).message).to.include('/nonexistent/nats-server');
    expect(() => findNatsServer('/nonexistent/nats-server')).to.throw(NatsServerNotFoundError);
  });

  it('finds the installed binary', () => {
    expect(findNatsServer()).to.match(/\/nats-server$/);
  });

  it('starts a server bound to 127.0.0.1 and stop() really stops it', async () => {
    const server = await startNatsServer();
    expect(server.url).to.equal(`nats://127.0.0.1:${server.port}`);
    expect(await accepts(server.port)).to.equal(true);
    await server.stop();
    expect(await accepts(server.port)).to.equal(false);
    await server.stop();
  });

  it('restarts on the same port', async () => {
    const server = await startNatsServer();
    try {
      await server.restart();
      expect(await accepts(server.port)).to.equal(true);
    } finally {
      await server.stop();
    }
  });

  it('fails with the server output when the server cannot start', async () => {
    const first = await startNatsServer();
    try {
      const error = await startNatsServer({ port: first.port }).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(NatsServerStartError);
      expect((error as Error).message).to.match(/exited before it was ready/);
      expect((error as NatsServerStartError).output).to.match(/address already in use/i);
    } finally {
      await first.stop();
    }
  });

  it('fails with a clear error, and kills the process, when the server is not ready in time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'armada-test-'));
    const fake = join(dir, 'nats-server');
    await writeFile(fake, '#!/bin/sh\necho "pretending to start"\nexec sleep 30\n');
    await chmod(fake, 0o755);
    try {
      const started = Date.now();
      const error = await startNatsServer({ binary: fake, readyTimeoutMs: 300 }).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(NatsServerStartError);
      expect((error as Error).message).to.match(/not ready within 300 ms/);
      expect((error as NatsServerStartError).output).to.include('pretending to start');
      // The rejection comes after the process exited; SIGTERM ends `sleep` at once.
      expect(Date.now() - started).to.be.lessThan(5000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

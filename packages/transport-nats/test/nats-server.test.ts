import { expect } from 'chai';
import { createConnection } from 'node:net';
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

  it('fails with a clear error when the server is not ready in time', async () => {
    const error = await startNatsServer({ binary: '/bin/sleep', args: ['30'], readyTimeoutMs: 300 }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(NatsServerStartError);
    expect((error as Error).message).to.match(/not ready within 300 ms/);
  });
});

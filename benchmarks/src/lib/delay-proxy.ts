/**
 * A TCP proxy on loopback that delays every chunk by a fixed time in each direction: puts a
 * process "far" from a `nats-server` on a kernel without netem. Order is kept (timers of equal
 * delay fire in the order they were set); bandwidth is not limited.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

/** A running proxy. */
export interface DelayProxy {
  /** `nats://127.0.0.1:<port>`: give this to the far processes. */
  readonly url: string;
  readonly port: number;
  /** Closes the listener and every proxied connection. Never rejects. */
  close(): Promise<void>;
}

/** Options of {@link startDelayProxy}. */
export interface DelayProxyOptions {
  /** Where the real server listens, on 127.0.0.1. */
  targetPort: number;
  /** Added to each chunk, in each direction, in milliseconds. */
  oneWayMs: number;
}

/** Starts the proxy on a free loopback port. */
export async function startDelayProxy(options: DelayProxyOptions): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  /** Forwards `from` to `to` with the delay; a close or error on either side ends both. */
  const pipeDelayed = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => {
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, options.oneWayMs);
    });
    from.once('end', () => setTimeout(() => to.end(), options.oneWayMs));
    from.once('error', () => to.destroy());
    from.once('close', () => setTimeout(() => to.destroy(), options.oneWayMs));
  };
  const server: Server = createServer((client) => {
    track(client);
    const upstream = connect({ host: '127.0.0.1', port: options.targetPort });
    track(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    pipeDelayed(client, upstream);
    pipeDelayed(upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the delay proxy has no TCP address');
  return {
    url: `nats://127.0.0.1:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

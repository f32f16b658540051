import { transportConformance } from '@armada/actors/testkit';
import { NatsTransport, startNatsServer } from '../src/index.js';

transportConformance('NatsTransport', async () => {
  const server = await startNatsServer();
  return { create: () => new NatsTransport({ servers: server.url }), dispose: () => server.stop() };
});

transportConformance('NatsTransport (64 KiB max_payload)', async () => {
  const server = await startNatsServer({ maxPayload: 64 * 1024 });
  return { create: () => new NatsTransport({ servers: server.url }), dispose: () => server.stop() };
});

import { expect } from 'chai';
import { NatsTransport, startNatsServer } from '@armada/transport-nats';
import { playPingPong } from '../src/ping-pong.js';

describe('ping-pong example', () => {
  it('plays a full rally in memory', async () => {
    const result = await playPingPong({ rounds: 500 });
    expect(result.hits).to.equal(500);
    expect(result.leftNode).to.not.equal(result.rightNode);
  });

  it('plays a full rally over a real nats-server', async () => {
    const server = await startNatsServer();
    try {
      const result = await playPingPong({ rounds: 200, transport: () => new NatsTransport({ servers: server.url }) });
      expect(result.hits).to.equal(200);
    } finally {
      await server.stop();
    }
  });
});

import { InMemoryNetwork, InMemoryTransport } from '../src/index.js';
import { transportConformance } from '../src/testkit/index.js';

transportConformance('InMemoryTransport', async () => {
  const network = new InMemoryNetwork();
  return { create: () => new InMemoryTransport(network) };
});

/**
 * `@armada/transport-nats`: the NATS transport for Armada, plus a launcher for private
 * `nats-server` processes (tests, examples, benchmarks).
 */
export { NatsTransport, NATS_TRANSPORT_DEFAULTS, type NatsTransportOptions, type NatsTransportEvent } from './nats-transport.js';
export { Subjects, encodeCorrelationId, decodeCorrelationId } from './subjects.js';
export {
  CHUNK_HEADER,
  CHUNK_HEADROOM,
  Reassembler,
  chunkSizeFor,
  formatChunkHeader,
  parseChunkHeader,
  splitPayload,
  type ChunkInfo,
  type ReassemblerOptions,
} from './chunking.js';
export { startNatsServer, findNatsServer, freePort, type NatsServerHandle, type NatsServerOptions } from './nats-server.js';
export { NatsServerNotFoundError, NatsServerStartError, NatsConnectError, NatsAuthError, NATS_SERVER_INSTALL_HINT } from './errors.js';

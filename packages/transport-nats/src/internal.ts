/**
 * `@armada/transport-nats/internal`: the subject layout, the chunking protocol and the NATS
 * settings check the `armada` command shares with `natsOptionsFromEnv`, for sibling
 * Armada packages and tests only. Not part of the public API; may change without notice.
 */
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
export { natsOptionsFor, type NatsSettings, type NatsSettingNames } from './env-options.js';

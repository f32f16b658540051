/**
 * `@armada/transport-nats/internal`: the subject layout and the chunking protocol, for sibling
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

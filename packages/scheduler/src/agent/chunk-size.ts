import type { AgentSettings } from './agent-settings.js';

/**
 * How many packets of one job to hand the worker at once: about `targetChunkMs` of work at the
 * measured `avgMs` (1 until measured), growing at most fourfold per chunk, at most `maxChunk`;
 * and, when peers could steal (`leaveHalfOf` is the queue length then), never more than half of
 * what is queued, so thieves find work. Always ≥ 1.
 */
export function chunkSize(
  avgMs: number | undefined,
  lastChunk: number,
  settings: Pick<AgentSettings, 'targetChunkMs' | 'maxChunk'>,
  leaveHalfOf: number | undefined,
): number {
  let size = avgMs === undefined ? 1 : Math.max(1, Math.min(settings.maxChunk, Math.floor(settings.targetChunkMs / Math.max(avgMs, 1e-4)), lastChunk * 4));
  if (leaveHalfOf !== undefined) size = Math.min(size, Math.max(1, Math.ceil((leaveHalfOf + 1) / 2)));
  return size;
}

import { ActorRef } from './actor-ref.js';
import type { ActorPath, NodeId } from './ids.js';

/**
 * The envelopes nodes exchange, as CBOR arrays (compact and fast to decode). Replies travel
 * separately through `Transport.reply` as `[ok, value]`.
 */
export const Kind = { Tell: 0, Ask: 1, Watch: 3, Unwatch: 4, Terminated: 5, Broadcast: 6 } as const;

export type WireEnvelope =
  | [kind: typeof Kind.Tell, path: ActorPath, message: unknown, sender: ActorRef<unknown> | null]
  | [kind: typeof Kind.Ask, path: ActorPath, message: unknown, correlationId: string, replyNode: NodeId]
  | [kind: typeof Kind.Watch, path: ActorPath, watcher: ActorRef<unknown>, correlationId: string]
  | [kind: typeof Kind.Unwatch, path: ActorPath, watcher: ActorRef<unknown>]
  | [kind: typeof Kind.Terminated, path: ActorPath, watchee: ActorRef<unknown>, existed: boolean]
  | [kind: typeof Kind.Broadcast, path: ActorPath, message: unknown, sender: ActorRef<unknown> | null];

export type WireReply = [ok: 0 | 1, value: unknown];

/**
 * Paths under this prefix name the temporary reply ref of an ask (`/temp/<correlationId>`):
 * telling it settles the ask instead of reaching an actor.
 */
export const TEMP_PATH = '/temp/';

const NODE = /^[A-Za-z0-9_-]{1,128}$/;
const CORRELATION = /^[A-Za-z0-9_-]{1,64}$/;
const isPath = (v: unknown): v is ActorPath => typeof v === 'string' && v.startsWith('/') && v.length <= 4096;

/** The last reply node that passed the check: asks mostly come from the same few nodes. */
let lastReplyNode = '';
function isReplyNode(v: unknown): boolean {
  if (v === lastReplyNode) return true;
  if (typeof v !== 'string' || !NODE.test(v)) return false;
  lastReplyNode = v;
  return true;
}

/** Checks the shape of a decoded envelope; anything else is malformed input to drop. */
export function isWireEnvelope(value: unknown): value is WireEnvelope {
  if (!Array.isArray(value) || !isPath(value[1])) return false;
  switch (value[0]) {
    case Kind.Tell:
    case Kind.Broadcast:
      return value.length === 4 && (value[3] === null || value[3] instanceof ActorRef);
    case Kind.Ask:
      return value.length === 5 && typeof value[3] === 'string' && CORRELATION.test(value[3]) && isReplyNode(value[4]);
    case Kind.Watch:
      return value.length === 4 && value[2] instanceof ActorRef && typeof value[3] === 'string' && CORRELATION.test(value[3]);
    case Kind.Unwatch:
      return value.length === 3 && value[2] instanceof ActorRef;
    case Kind.Terminated:
      return value.length === 4 && value[2] instanceof ActorRef && typeof value[3] === 'boolean';
    default:
      return false;
  }
}

export function isWireReply(value: unknown): value is WireReply {
  return Array.isArray(value) && value.length === 2 && (value[0] === 0 || value[0] === 1);
}

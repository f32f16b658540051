import { InvalidArgumentError } from './errors.js';

/** Identifies one actor system (one node) on a transport. Safe to use as a NATS subject token. */
export type NodeId = string & { readonly __brand: 'NodeId' };
/** The path of an actor inside its node, such as `/user/pinger/child`. */
export type ActorPath = string & { readonly __brand: 'ActorPath' };

/** Where an actor lives: the only thing an `ActorRef` carries across the wire. */
export interface Address {
  /** The node the actor lives on. */
  readonly node: NodeId;
  /** Its path on that node, `/user/...`. */
  readonly path: ActorPath;
}

const NODE_ID = /^[A-Za-z0-9_-]{1,128}$/;
const ACTOR_NAME = /^[A-Za-z0-9_\-.:@+=]{1,128}$/;

/** Checks and brands a node id: 1-128 characters of `[A-Za-z0-9_-]`. */
export function nodeId(value: string): NodeId {
  if (typeof value !== 'string' || !NODE_ID.test(value)) {
    throw new InvalidArgumentError(`invalid node id ${JSON.stringify(value)}: use 1-128 characters of [A-Za-z0-9_-]`);
  }
  return value as NodeId;
}

/** Checks an actor name: 1-128 characters, no `/` and no spaces. */
export function checkActorName(value: string): string {
  if (typeof value !== 'string' || !ACTOR_NAME.test(value)) {
    throw new InvalidArgumentError(`invalid actor name ${JSON.stringify(value)}: use 1-128 characters of [A-Za-z0-9_-.:@+=]`);
  }
  return value;
}

/**
 * A random node id, unique enough for one cluster. With `random` given (a seeded source), the id
 * depends on it alone; by default it mixes `Math.random` with the wall clock.
 */
export function randomNodeId(prefix = 'node', random?: () => number): NodeId {
  const tail = random !== undefined ? random().toString(36).slice(2, 6) : Date.now().toString(36).slice(-4);
  return `${prefix}-${(random ?? Math.random)().toString(36).slice(2, 10)}${tail}` as NodeId;
}

/** Renders an address as `armada://node/path`. */
export function formatAddress(address: Address): string {
  return `armada://${address.node}${address.path}`;
}

import { InvalidArgumentError } from '@armada/actors';

const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
const NODE = /^[A-Za-z0-9_-]{1,128}$/;
const PLAIN_CORRELATION = /^[A-Za-z0-9_-]{1,200}$/;
/** Marks a correlation id that was base64url-encoded to fit in one subject token. */
const ENCODED_MARK = '~';

/**
 * Every NATS subject Armada uses, built in one place so the layout is defined exactly once:
 *
 * - `<prefix>.<cluster>.node.<nodeId>`: envelopes for a node;
 * - `<prefix>.<cluster>.reply.<nodeId>.<correlationId>`: replies for a node (subscribed as `...reply.<nodeId>.*`);
 * - `<prefix>.<cluster>.announce`: the cluster-wide channel for broadcasts.
 *
 * Prefix and cluster are single tokens of `[A-Za-z0-9_-]` (1-64 characters), so clusters sharing
 * one NATS server never see each other's traffic.
 */
export class Subjects {
  readonly prefix: string;
  readonly cluster: string;
  private readonly base: string;

  /** Throws `InvalidArgumentError` when a token is not a plain subject token. */
  constructor(prefix: string, cluster: string) {
    this.prefix = checkToken('prefix', prefix);
    this.cluster = checkToken('cluster', cluster);
    this.base = `${prefix}.${cluster}`;
  }

  /** The subject a node receives envelopes on. Throws `InvalidArgumentError` for a malformed node id. */
  node(node: string): string {
    return `${this.base}.node.${checkNode(node)}`;
  }

  /** The subject a reply for `correlationId` is published to; any string is a valid correlation id. */
  reply(node: string, correlationId: string): string {
    return `${this.base}.reply.${checkNode(node)}.${encodeCorrelationId(correlationId)}`;
  }

  /** The wildcard subscription that receives every reply for `node`. */
  replyWildcard(node: string): string {
    return `${this.replyPrefix(node)}*`;
  }

  /** What every reply subject of `node` starts with (ends with a dot). */
  replyPrefix(node: string): string {
    return `${this.base}.reply.${checkNode(node)}.`;
  }

  /**
   * The correlation id carried by a reply subject of `node`, or `undefined` if the subject is not
   * one of its reply subjects or its token is malformed. Never throws.
   */
  correlationOf(node: string, subject: string): string | undefined {
    const prefix = this.replyPrefix(node);
    if (!subject.startsWith(prefix)) return undefined;
    return decodeCorrelationId(subject.slice(prefix.length));
  }

  /** The cluster-wide subject nodes announce themselves on. */
  announce(): string {
    return `${this.base}.announce`;
  }
}

/**
 * Turns a correlation id into one subject token. Ids made of `[A-Za-z0-9_-]` are kept as they
 * are; anything else (dots, spaces, wildcards, unicode) is base64url-encoded behind a `~`.
 * {@link decodeCorrelationId} reverses it exactly.
 */
export function encodeCorrelationId(correlationId: string): string {
  if (PLAIN_CORRELATION.test(correlationId)) return correlationId;
  return ENCODED_MARK + Buffer.from(correlationId, 'utf8').toString('base64url');
}

/** Reverses {@link encodeCorrelationId}; `undefined` for a token no sender could have produced. */
export function decodeCorrelationId(token: string): string | undefined {
  if (PLAIN_CORRELATION.test(token)) return token;
  if (!token.startsWith(ENCODED_MARK)) return undefined;
  const body = token.slice(ENCODED_MARK.length);
  if (!/^[A-Za-z0-9_-]*$/.test(body)) return undefined;
  const decoded = Buffer.from(body, 'base64url').toString('utf8');
  return encodeCorrelationId(decoded) === token ? decoded : undefined;
}

function checkToken(what: string, value: string): string {
  if (typeof value !== 'string' || !TOKEN.test(value)) {
    throw new InvalidArgumentError(`invalid NATS ${what} ${JSON.stringify(value)}: use 1-64 characters of [A-Za-z0-9_-]`);
  }
  return value;
}

function checkNode(value: string): string {
  if (typeof value !== 'string' || !NODE.test(value)) {
    throw new InvalidArgumentError(`invalid node id ${JSON.stringify(value)}: use 1-128 characters of [A-Za-z0-9_-]`);
  }
  return value;
}

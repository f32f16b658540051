/**
 * Every error Armada raises is an {@link ArmadaError}: it has a stable `code`, says whether a
 * retry can help (`retryable`) and keeps the underlying error as `cause`. Errors cross the wire as
 * plain data and are rebuilt on the other side, so `instanceof` works for these classes and the
 * remote stack is kept.
 */
export class ArmadaError extends Error {
  /** Stable, machine-readable code (`ERR_ASK_TIMEOUT`, ...). */
  readonly code: string;
  /** True when the same operation may succeed if tried again. */
  readonly retryable: boolean;

  constructor(message: string, options: { code?: string; retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'ERR_ARMADA';
    this.retryable = options.retryable ?? false;
  }
}

/** An `ask` got no reply within its timeout. The target may still process the message. */
export class AskTimeoutError extends ArmadaError {
  constructor(
    /** The address asked, as `armada://node/path`. */ readonly target: string,
    /** The timeout that expired. */ readonly timeoutMs: number,
  ) {
    super(`ask to ${target} timed out after ${timeoutMs} ms`, { code: 'ERR_ASK_TIMEOUT', retryable: true });
  }
}

/** The target node is up but has no actor at the path (it never existed or has stopped). */
export class ActorNotFoundError extends ArmadaError {
  constructor(
    /** The address that has no actor. */
    readonly target: string,
  ) {
    super(`no actor at ${target}`, { code: 'ERR_ACTOR_NOT_FOUND' });
  }
}

/** Nobody serves the target node: the message could not be delivered at all. */
export class NoRespondersError extends ArmadaError {
  constructor(
    /** The node nobody serves. */
    readonly node: string,
    cause?: unknown,
  ) {
    super(`no node ${node} is reachable`, { code: 'ERR_NO_RESPONDERS', retryable: true, cause });
  }
}

/** The actor stopped before it handled the message. */
export class ActorStoppedError extends ArmadaError {
  constructor(
    /** The address of the stopped actor. */
    readonly target: string,
  ) {
    super(`actor ${target} stopped before handling the message`, { code: 'ERR_ACTOR_STOPPED' });
  }
}

/** The transport (or the whole actor system) is closed or not started. */
export class TransportClosedError extends ArmadaError {
  constructor(message = 'transport is closed', cause?: unknown) {
    super(message, { code: 'ERR_TRANSPORT_CLOSED', cause });
  }
}

/** An encoded message is larger than the transport accepts. Nothing was sent. */
export class PayloadTooLargeError extends ArmadaError {
  constructor(
    /** Encoded size in bytes. */
    readonly size: number,
    /** The transport's limit in bytes. */
    readonly limit: number,
  ) {
    super(`message of ${size} bytes exceeds the limit of ${limit} bytes`, { code: 'ERR_PAYLOAD_TOO_LARGE' });
  }
}

/** A value could not be encoded, or bytes could not be decoded. */
export class SerializationError extends ArmadaError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'ERR_SERIALIZATION', cause });
  }
}

/** The target's mailbox is full and its overflow policy dropped the message. */
export class MailboxFullError extends ArmadaError {
  constructor(
    /** The address of the actor whose mailbox is full. */
    readonly target: string,
    /** The mailbox's capacity. */
    readonly capacity: number,
  ) {
    super(`mailbox of ${target} is full (capacity ${capacity})`, { code: 'ERR_MAILBOX_FULL', retryable: true });
  }
}

/** A caller passed an argument of the wrong type or shape. */
export class InvalidArgumentError extends ArmadaError {
  constructor(message: string) {
    super(message, { code: 'ERR_INVALID_ARGUMENT' });
  }
}

/** An actor name is already taken by a sibling. */
export class ActorNameTakenError extends ArmadaError {
  constructor(
    /** The path that is taken. */
    readonly path: string,
  ) {
    super(`an actor already lives at ${path}`, { code: 'ERR_NAME_TAKEN' });
  }
}

/** A node id is already on this in-memory network; the second transport was not attached. */
export class NodeAlreadyJoinedError extends ArmadaError {
  constructor(
    /** The node id that is taken. */
    readonly node: string,
  ) {
    super(`node ${node} is already on this network`, { code: 'ERR_NODE_ALREADY_JOINED' });
  }
}

/** An actor factory given to `spawn` returned something that is not an `Actor`; the actor did not start. */
export class ActorFactoryError extends ArmadaError {
  constructor(message: string) {
    super(message, { code: 'ERR_ACTOR_FACTORY' });
  }
}

/** A test-kit wait (`TestProbe.expectMessage`, `expectNoMessage`, ...) did not see what it waited for. */
export class ExpectationError extends ArmadaError {
  constructor(message: string) {
    super(message, { code: 'ERR_EXPECTATION' });
  }
}

/**
 * An error that was raised on another node and whose class is not known here. Its `name`,
 * `message`, `code` and `stack` are the remote ones.
 */
export class RemoteError extends ArmadaError {
  constructor(message: string, options: { name: string; code?: string; retryable?: boolean; cause?: unknown }) {
    super(message, options);
    this.name = options.name;
  }
}

/** A constructor of errors that the serializer can rebuild by its `name` when it arrives from another node. */
export type ErrorClass = new (...args: never[]) => Error;

/**
 * The error classes every serializer rebuilds: JavaScript's built-in errors and this package's.
 * A package adds its own classes through `ActorSystemOptions.errors` (or `CborSerializer`'s
 * `errors` option), never by changing this list.
 */
export const ACTOR_ERRORS: readonly ErrorClass[] = Object.freeze([
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  ArmadaError,
  AskTimeoutError,
  ActorNotFoundError,
  NoRespondersError,
  ActorStoppedError,
  TransportClosedError,
  PayloadTooLargeError,
  SerializationError,
  MailboxFullError,
  InvalidArgumentError,
  ActorNameTakenError,
  RemoteError,
  NodeAlreadyJoinedError,
  ActorFactoryError,
  ExpectationError,
]);

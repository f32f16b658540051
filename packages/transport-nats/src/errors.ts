/**
 * Errors of `@armada/transport-nats`. Each extends `ArmadaError` (`code`, `retryable`, `cause`).
 * A new class is added to {@link NATS_ERRORS} at the bottom of this file, so that actor systems
 * rebuild it as itself when it crosses the wire.
 */
import { ArmadaError, type ErrorClass } from '@armada/actors';

/** The command that installs the NATS server on Debian and Ubuntu. */
export const NATS_SERVER_INSTALL_HINT = 'apt-get update && apt-get install -y nats-server';

/**
 * The `nats-server` binary could not be found (or is not executable). Nothing was started.
 * The message always says how to install it (Debian package `nats-server`).
 */
export class NatsServerNotFoundError extends ArmadaError {
  constructor(
    /** The paths that were searched. */
    readonly searched: readonly string[],
  ) {
    super(
      `nats-server was not found (looked in ${searched.join(', ')}); ` +
        `install it with \`${NATS_SERVER_INSTALL_HINT}\` (Debian package nats-server)`,
      { code: 'ERR_NATS_SERVER_NOT_FOUND' },
    );
  }
}

/**
 * A `nats-server` process did not become ready: it exited early or did not report readiness in
 * time. `output` holds what the server printed, and the process has been killed.
 */
export class NatsServerStartError extends ArmadaError {
  constructor(
    message: string,
    /** What the server printed before it failed. */
    readonly output: string,
    cause?: unknown,
  ) {
    super(`${message}\n--- nats-server output ---\n${output.trimEnd()}`, { code: 'ERR_NATS_SERVER_START', retryable: true, cause });
  }
}

/**
 * The transport could not connect to NATS (server down, refused, unreachable, timed out).
 * Retrying later can succeed. The client error is kept as `cause`.
 */
export class NatsConnectError extends ArmadaError {
  constructor(servers: string, cause?: unknown) {
    super(`cannot connect to NATS at ${servers}: ${describe(cause)}`, { code: 'ERR_CONNECT', retryable: true, cause });
  }
}

/**
 * The NATS server refused the credentials (token, user/password, nkey, creds). Retrying with the
 * same credentials will fail again. The client error is kept as `cause`.
 */
export class NatsAuthError extends ArmadaError {
  constructor(servers: string, cause?: unknown) {
    super(`NATS at ${servers} rejected the credentials: ${describe(cause)}`, { code: 'ERR_AUTH', retryable: false, cause });
  }
}

/**
 * A credentials, nkey seed or TLS file named in the NATS settings cannot be read or used. Nothing
 * was connected; the message names the setting and the file.
 */
export class NatsCredentialsError extends ArmadaError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'ERR_CREDS', cause });
  }
}

/** A client-library failure while publishing (other than a closed connection); the client error is the `cause`. */
export class NatsPublishError extends ArmadaError {
  constructor(
    /** The subject the publish was for. */
    readonly subject: string,
    cause?: unknown,
  ) {
    super(`cannot publish to ${subject}: ${describe(cause)}`, { code: 'ERR_PUBLISH', cause });
  }
}

/** `start()` was called on a transport that was already started (or closed); the call changed nothing. */
export class AlreadyStartedError extends ArmadaError {
  constructor() {
    super('transport is already started', { code: 'ERR_ALREADY_STARTED' });
  }
}

/** `restart()` was called on a `nats-server` handle after `stop()`; start a new server instead. */
export class NatsServerStoppedError extends ArmadaError {
  constructor() {
    super('nats-server handle was stopped; start a new one', { code: 'ERR_NATS_SERVER_STOPPED' });
  }
}

/** Every error class of this package, for `ActorSystemOptions.errors`. Add new classes here. */
export const NATS_ERRORS: readonly ErrorClass[] = Object.freeze([
  NatsServerNotFoundError,
  NatsServerStartError,
  NatsConnectError,
  NatsAuthError,
  NatsCredentialsError,
  NatsPublishError,
  AlreadyStartedError,
  NatsServerStoppedError,
]);

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * `@armada/transport-nats`: the NATS transport for Armada, plus a launcher for private
 * `nats-server` processes (tests, examples, benchmarks). Everything exported here is the public
 * API; `@armada/transport-nats/internal` is for sibling packages and tests only.
 */
export { NatsTransport, NATS_TRANSPORT_DEFAULTS, type NatsTransportOptions, type NatsTransportEvent } from './nats-transport.js';
export { NATS_ENV, natsOptionsFromEnv, credsAuthenticatorFor } from './env-options.js';
export { startNatsServer, findNatsServer, freePort, type NatsServerHandle, type NatsServerOptions } from './nats-server.js';
export {
  NatsServerNotFoundError,
  NatsServerStartError,
  NatsConnectError,
  NatsAuthError,
  NatsCredentialsError,
  NatsPublishError,
  AlreadyStartedError,
  NatsServerStoppedError,
  NATS_ERRORS,
  NATS_SERVER_INSTALL_HINT,
} from './errors.js';

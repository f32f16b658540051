import { readFileSync } from 'node:fs';
import type { Authenticator, ConnectionOptions } from '@nats-io/transport-node';
import { InvalidArgumentError } from '@armada/actors';
import { NatsCredentialsError } from './errors.js';
import type { NatsTransportOptions } from './nats-transport.js';

/**
 * The environment variables that carry NATS settings: `armada run` exports its flags as these,
 * `armada machine` and the other commands fall back to them, and `Cluster.start({ nats: undefined })`
 * reads them (see {@link natsOptionsFromEnv}).
 */
export const NATS_ENV = {
  nats: 'ARMADA_NATS_URL',
  token: 'ARMADA_TOKEN',
  user: 'ARMADA_USER',
  password: 'ARMADA_PASSWORD',
  creds: 'ARMADA_CREDS',
  tlsCa: 'ARMADA_TLS_CA',
  tlsCert: 'ARMADA_TLS_CERT',
  tlsKey: 'ARMADA_TLS_KEY',
  cluster: 'ARMADA_CLUSTER',
  prefix: 'ARMADA_PREFIX',
  connectTimeout: 'ARMADA_CONNECT_TIMEOUT_MS',
} as const;

/** A user nkey seed: `SU` and 56 base32 characters. */
const USER_SEED = /^SU[A-Z2-7]{56}$/;

/**
 * The NATS authenticator for the contents of a credentials file: a `.creds` file (`nsc`'s user
 * JWT and its nkey seed, for servers in operator/JWT mode) or a bare user nkey seed (`SU…`, for
 * servers listing `{ nkey: U… }` users). Checked here, before any connection, so a bad file fails
 * with `NatsCredentialsError` naming it (`source`: how it was given, e.g. `--creds` or
 * `ARMADA_CREDS`) rather than as an opaque connect error.
 */
export async function credsAuthenticatorFor(bytes: Uint8Array, path: string, source: string): Promise<Authenticator> {
  const { credsAuthenticator, nkeyAuthenticator } = await import('@nats-io/transport-node');
  const text = new TextDecoder().decode(bytes);
  const bad = (why: string, cause?: unknown) =>
    new NatsCredentialsError(`${source}: ${path} is ${why}; give a NATS credentials file (user JWT and nkey seed) or a user nkey seed (SU…)`, cause);
  let authenticator: Authenticator;
  if (text.includes('-----BEGIN NATS USER JWT-----')) authenticator = credsAuthenticator(bytes);
  else if (USER_SEED.test(text.trim())) authenticator = nkeyAuthenticator(new TextEncoder().encode(text.trim()));
  else throw bad('neither a credentials file nor a user nkey seed');
  try {
    // Signing a nonce parses the JWT and the seed: the same work the client does on connect.
    authenticator('armada-check');
  } catch (error) {
    throw bad(`not usable (${(error as Error).message})`, error);
  }
  return authenticator;
}

/**
 * The transport options the `ARMADA_*` variables of `env` describe (see {@link NATS_ENV}): servers
 * (comma-separated), one auth scheme (token, user and password, or a credentials file), TLS files,
 * cluster, prefix and connect timeout. Undefined when `ARMADA_NATS_URL` is unset or blank; empty
 * variables count as unset. Throws `InvalidArgumentError` for contradictory or malformed settings
 * and `NatsCredentialsError` for a credentials or TLS file that cannot be read or used.
 */
export async function natsOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<NatsTransportOptions | undefined> {
  const get = (key: keyof typeof NATS_ENV): string | undefined => {
    const value = env[NATS_ENV[key]];
    return value === undefined || value.trim() === '' ? undefined : value;
  };
  const url = get('nats');
  if (url === undefined) return undefined;
  const servers = url.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const [token, user, password, creds, tlsCa, tlsCert, tlsKey] = (['token', 'user', 'password', 'creds', 'tlsCa', 'tlsCert', 'tlsKey'] as const).map(get);
  const invalid = (message: string) => new InvalidArgumentError(message);
  if ((user === undefined) !== (password === undefined)) throw invalid(`${NATS_ENV.user} and ${NATS_ENV.password} go together`);
  if ([token, user, creds].filter((v) => v !== undefined).length > 1) throw invalid(`set only one of ${NATS_ENV.token}, ${NATS_ENV.user}/${NATS_ENV.password} and ${NATS_ENV.creds}`);
  if ((tlsCert === undefined) !== (tlsKey === undefined)) throw invalid(`${NATS_ENV.tlsCert} and ${NATS_ENV.tlsKey} go together`);
  const connection: ConnectionOptions = {};
  const timeout = get('connectTimeout');
  if (timeout !== undefined) {
    const ms = Number(timeout);
    if (!Number.isInteger(ms) || ms <= 0) throw invalid(`${NATS_ENV.connectTimeout} must be a positive whole number of milliseconds, got ${timeout}`);
    connection.timeout = ms;
  }
  if (token !== undefined) connection.token = token;
  if (user !== undefined) {
    connection.user = user;
    connection.pass = password!;
  }
  if (creds !== undefined) connection.authenticator = await credsAuthenticatorFor(readSetting(creds, NATS_ENV.creds), creds, NATS_ENV.creds);
  if (tlsCa !== undefined || tlsCert !== undefined) {
    if (tlsCa !== undefined) readSetting(tlsCa, NATS_ENV.tlsCa);
    if (tlsCert !== undefined) readSetting(tlsCert, NATS_ENV.tlsCert);
    connection.tls = { ...(tlsCa !== undefined ? { caFile: tlsCa } : {}), ...(tlsCert !== undefined ? { certFile: tlsCert, keyFile: tlsKey! } : {}) };
  }
  const cluster = get('cluster');
  const prefix = get('prefix');
  return { servers, connection, ...(cluster !== undefined ? { cluster } : {}), ...(prefix !== undefined ? { prefix } : {}) };
}

function readSetting(path: string, source: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new NatsCredentialsError(`${source}: cannot read ${path}: ${(error as Error).message}`, error);
  }
}

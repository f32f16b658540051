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
 * NATS settings as a user gives them, by flags or variables: `servers` comma-separated, one auth
 * scheme (token, user and password, or a credentials file), TLS files, cluster, prefix and connect
 * timeout. Blank strings count as unset.
 */
export interface NatsSettings {
  readonly servers?: string | undefined;
  readonly token?: string | undefined;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly creds?: string | undefined;
  readonly tlsCa?: string | undefined;
  readonly tlsCert?: string | undefined;
  readonly tlsKey?: string | undefined;
  readonly cluster?: string | undefined;
  readonly prefix?: string | undefined;
  readonly connectTimeoutMs?: number | undefined;
}

/** What each setting is called where the user gave it (a flag such as `--user`, or `ARMADA_USER`), for messages. */
export type NatsSettingNames = { readonly [K in keyof NatsSettings]-?: string };

/** {@link NATS_ENV} as {@link NatsSettingNames}. */
const ENV_NAMES: NatsSettingNames = { ...NATS_ENV, servers: NATS_ENV.nats, connectTimeoutMs: NATS_ENV.connectTimeout };

/**
 * The transport options `settings` describe, with every check made before any connection.
 * Undefined when no server is given. Throws `InvalidArgumentError` for contradictory settings and
 * `NatsCredentialsError` for a credentials or TLS file that cannot be read or used; each message
 * names the settings by `names`. `natsOptionsFromEnv` and the `armada` command's flags both build
 * their options here.
 */
export async function natsOptionsFor(settings: NatsSettings, names: NatsSettingNames): Promise<NatsTransportOptions | undefined> {
  const get = (key: Exclude<keyof NatsSettings, 'connectTimeoutMs'>): string | undefined => {
    const value = settings[key];
    return value === undefined || value.trim() === '' ? undefined : value;
  };
  const servers = get('servers')
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (servers === undefined || servers.length === 0) return undefined;
  const [token, user, password, creds, tlsCa, tlsCert, tlsKey] = (['token', 'user', 'password', 'creds', 'tlsCa', 'tlsCert', 'tlsKey'] as const).map(get);
  const invalid = (message: string) => new InvalidArgumentError(message);
  if ((user === undefined) !== (password === undefined)) throw invalid(`${names.user} and ${names.password} go together`);
  if ([token, user, creds].filter((v) => v !== undefined).length > 1) throw invalid(`give only one of ${names.token}, ${names.user}/${names.password} and ${names.creds}`);
  if ((tlsCert === undefined) !== (tlsKey === undefined)) throw invalid(`${names.tlsCert} and ${names.tlsKey} go together`);
  const connection: ConnectionOptions = {};
  if (settings.connectTimeoutMs !== undefined) {
    const ms = settings.connectTimeoutMs;
    if (!Number.isInteger(ms) || ms <= 0) throw invalid(`${names.connectTimeoutMs} must be a positive whole number of milliseconds, got ${String(ms)}`);
    connection.timeout = ms;
  }
  if (token !== undefined) connection.token = token;
  if (user !== undefined) {
    connection.user = user;
    connection.pass = password!;
  }
  if (creds !== undefined) connection.authenticator = await credsAuthenticatorFor(readSetting(creds, names.creds), creds, names.creds);
  if (tlsCa !== undefined || tlsCert !== undefined) {
    if (tlsCa !== undefined) readSetting(tlsCa, names.tlsCa);
    if (tlsCert !== undefined) readSetting(tlsCert, names.tlsCert);
    if (tlsKey !== undefined) readSetting(tlsKey, names.tlsKey);
    connection.tls = { ...(tlsCa !== undefined ? { caFile: tlsCa } : {}), ...(tlsCert !== undefined ? { certFile: tlsCert, keyFile: tlsKey! } : {}) };
  }
  const cluster = get('cluster');
  const prefix = get('prefix');
  return { servers, connection, ...(cluster !== undefined ? { cluster } : {}), ...(prefix !== undefined ? { prefix } : {}) };
}

/**
 * The transport options the `ARMADA_*` variables of `env` describe (see {@link NATS_ENV} and
 * {@link natsOptionsFor}). Undefined when `ARMADA_NATS_URL` is unset or blank; empty variables
 * count as unset. Throws `InvalidArgumentError` for contradictory or malformed settings and
 * `NatsCredentialsError` for a credentials or TLS file that cannot be read or used.
 */
export async function natsOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<NatsTransportOptions | undefined> {
  // Without a server the other variables are not read, so a stray one cannot fail an embedded cluster.
  if ((env[NATS_ENV.nats] ?? '').trim() === '') return undefined;
  const timeout = env[NATS_ENV.connectTimeout]?.trim();
  let connectTimeoutMs: number | undefined;
  if (timeout !== undefined && timeout !== '') {
    connectTimeoutMs = Number(timeout);
    if (!Number.isInteger(connectTimeoutMs) || connectTimeoutMs <= 0) {
      throw new InvalidArgumentError(`${NATS_ENV.connectTimeout} must be a positive whole number of milliseconds, got ${timeout}`);
    }
  }
  const settings: NatsSettings = {
    servers: env[NATS_ENV.nats],
    token: env[NATS_ENV.token],
    user: env[NATS_ENV.user],
    password: env[NATS_ENV.password],
    creds: env[NATS_ENV.creds],
    tlsCa: env[NATS_ENV.tlsCa],
    tlsCert: env[NATS_ENV.tlsCert],
    tlsKey: env[NATS_ENV.tlsKey],
    cluster: env[NATS_ENV.cluster],
    prefix: env[NATS_ENV.prefix],
    connectTimeoutMs,
  };
  return natsOptionsFor(settings, ENV_NAMES);
}

function readSetting(path: string, source: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new NatsCredentialsError(`${source}: cannot read ${path}: ${(error as Error).message}`, error);
  }
}

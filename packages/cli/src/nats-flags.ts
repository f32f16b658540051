import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { ConnectionOptions } from '@nats-io/transport-node';
import type { Logger } from '@armada/actors';
import { credsAuthenticatorFor, NATS_ENV as SHARED_NATS_ENV, NatsCredentialsError, type NatsTransportOptions } from '@armada/transport-nats';
import { CommandFailedError, UsageError } from './errors.js';
import { positiveInt } from './parse.js';

/** The NATS settings every command shares, as commander parses them from flags and environment. */
export interface NatsFlags {
  readonly nats?: string;
  readonly token?: string;
  readonly user?: string;
  readonly password?: string;
  readonly creds?: string;
  readonly tlsCa?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly cluster?: string;
  readonly prefix?: string;
  readonly connectTimeout: number;
}

export const NATS_FLAG_DEFAULTS = {
  /** How long the first connect may take before the command gives up (the NATS client's own default is 20 s). */
  connectTimeoutMs: 5_000,
} as const;

/**
 * The environment variables the shared flags fall back to (`@armada/transport-nats`'s, which
 * `Cluster.start({ nats: undefined })` reads too). A flag given on the command line wins over its
 * variable.
 */
export const NATS_ENV = SHARED_NATS_ENV;

/** Adds the shared NATS flags to `command`; `natsHelp` says what `--nats` means for it. */
export function addNatsFlags(command: Command, natsHelp = 'NATS server URL(s), comma-separated'): Command {
  return command
    .addOption(new Option('--nats <url>', natsHelp).env(NATS_ENV.nats))
    .addOption(new Option('--token <token>', 'NATS auth token').env(NATS_ENV.token))
    .addOption(new Option('--user <user>', 'NATS user (with --password)').env(NATS_ENV.user))
    .addOption(new Option('--password <password>', 'NATS password').env(NATS_ENV.password))
    .addOption(new Option('--creds <file>', 'NATS credentials file (user JWT + nkey seed), or a user nkey seed file').env(NATS_ENV.creds))
    .addOption(new Option('--tls-ca <file>', 'CA certificate to verify the server').env(NATS_ENV.tlsCa))
    .addOption(new Option('--tls-cert <file>', 'client certificate (with --tls-key)').env(NATS_ENV.tlsCert))
    .addOption(new Option('--tls-key <file>', 'client private key').env(NATS_ENV.tlsKey))
    .addOption(new Option('--cluster <name>', 'cluster name: nodes only see nodes of the same cluster (default "default")').env(NATS_ENV.cluster))
    .addOption(new Option('--prefix <prefix>', 'first token of every subject (default "armada")').env(NATS_ENV.prefix))
    .addOption(
      new Option('--connect-timeout <ms>', 'give up connecting after this long')
        .env(NATS_ENV.connectTimeout)
        .argParser(positiveInt('--connect-timeout'))
        .default(NATS_FLAG_DEFAULTS.connectTimeoutMs),
    );
}

/** The server URLs of `--nats` as given (for log lines), or undefined. */
export function natsServers(flags: NatsFlags): string[] | undefined {
  if (flags.nats === undefined || flags.nats.trim() === '') return undefined;
  return flags.nats.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * The NATS transport options for `flags` (blank values count as unset). Throws `UsageError` for contradictory auth flags and
 * `CommandFailedError` when a credentials file cannot be read.
 */
export async function natsTransportOptions(flags: NatsFlags, logger: Logger): Promise<NatsTransportOptions> {
  return natsOptionsOf(withoutBlanks(flags), logger);
}

/** `flags` without its blank values: an empty variable (ARMADA_USER="") counts as unset, as it does for Cluster.start. */
function withoutBlanks(flags: NatsFlags): NatsFlags {
  return Object.fromEntries(Object.entries(flags).filter(([, v]) => !(typeof v === 'string' && v.trim() === ''))) as unknown as NatsFlags;
}

async function natsOptionsOf(flags: NatsFlags, logger: Logger): Promise<NatsTransportOptions> {
  const servers = natsServers(flags);
  if (servers === undefined) throw new UsageError(`no NATS server given: pass --nats <url> or set ${NATS_ENV.nats}`);
  if (flags.user !== undefined && flags.password === undefined) throw new UsageError(`--user needs --password (or ${NATS_ENV.password})`);
  if (flags.password !== undefined && flags.user === undefined) throw new UsageError(`--password needs --user (or ${NATS_ENV.user})`);
  const schemes = [flags.token !== undefined, flags.user !== undefined, flags.creds !== undefined].filter(Boolean).length;
  if (schemes > 1) throw new UsageError('give only one of --token, --user/--password and --creds');
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  const connection: ConnectionOptions = { timeout: flags.connectTimeout };
  if (flags.token !== undefined) connection.token = flags.token;
  if (flags.user !== undefined) {
    connection.user = flags.user;
    connection.pass = flags.password!;
  }
  if (flags.creds !== undefined) {
    const bytes = readFile(flags.creds, '--creds');
    try {
      connection.authenticator = await credsAuthenticatorFor(bytes, flags.creds, '--creds');
    } catch (error) {
      if (error instanceof NatsCredentialsError) throw new CommandFailedError(error.message, { code: 'ERR_CREDS', cause: error.cause });
      throw error;
    }
  }
  if (flags.tlsCa !== undefined || flags.tlsCert !== undefined) {
    readFile(flags.tlsCa ?? flags.tlsCert!, flags.tlsCa !== undefined ? '--tls-ca' : '--tls-cert');
    connection.tls = {
      ...(flags.tlsCa !== undefined ? { caFile: flags.tlsCa } : {}),
      ...(flags.tlsCert !== undefined ? { certFile: flags.tlsCert, keyFile: flags.tlsKey! } : {}),
    };
  }
  return {
    servers,
    connection,
    logger,
    ...(flags.cluster !== undefined ? { cluster: flags.cluster } : {}),
    ...(flags.prefix !== undefined ? { prefix: flags.prefix } : {}),
  };
}

function readFile(path: string, flag: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CommandFailedError(`${flag}: cannot read ${path}: ${(error as Error).message}`, { code: 'ERR_FILE', cause: error });
  }
}

import { Option, type Command } from 'commander';
import { InvalidArgumentError, type Logger } from '@armada/actors';
import { NATS_ENV as SHARED_NATS_ENV, NatsCredentialsError, type NatsTransportOptions } from '@armada/transport-nats';
import { natsOptionsFor, type NatsSettingNames } from '@armada/transport-nats/internal';
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

/** The flags' names, for messages. */
const FLAG_NAMES: NatsSettingNames = {
  servers: '--nats',
  token: '--token',
  user: '--user',
  password: '--password',
  creds: '--creds',
  tlsCa: '--tls-ca',
  tlsCert: '--tls-cert',
  tlsKey: '--tls-key',
  cluster: '--cluster',
  prefix: '--prefix',
  connectTimeoutMs: '--connect-timeout',
};

/**
 * The NATS transport options for `flags` (blank values count as unset), checked as
 * `natsOptionsFor` checks them for `Cluster.start`. Throws `UsageError` when no server is given or
 * the auth or TLS flags contradict each other, and `CommandFailedError` when a credentials or TLS
 * file cannot be read or used.
 */
export async function natsTransportOptions(flags: NatsFlags, logger: Logger): Promise<NatsTransportOptions> {
  let options: NatsTransportOptions | undefined;
  try {
    options = await natsOptionsFor({ ...flags, servers: flags.nats, connectTimeoutMs: flags.connectTimeout }, FLAG_NAMES);
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new UsageError(error.message);
    if (error instanceof NatsCredentialsError) throw new CommandFailedError(error.message, { code: error.code, cause: error.cause });
    throw error;
  }
  if (options === undefined) throw new UsageError(`no NATS server given: pass --nats <url> or set ${NATS_ENV.nats}`);
  return { ...options, logger };
}

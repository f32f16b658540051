import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { Command, Option } from 'commander';
import type { MachineHandle, MachineOptions } from '@armada/scheduler';
import { addLogFlags, loggerFor, type LogFlags } from '../common-flags.js';
import { CommandFailedError } from '../errors.js';
import { addNatsFlags, natsServers, natsTransportOptions, type NatsFlags } from '../nats-flags.js';
import { numberIn, positiveInt } from '../parse.js';
import type { ProgramIo } from '../program.js';
import { watchRefusals } from '../refusals.js';
import { untilSignals } from '../signals.js';

interface MachineFlags extends NatsFlags, LogFlags {
  readonly name?: string;
  readonly agents?: number;
  readonly slowFraction?: number;
  readonly slowFactor: number;
  readonly heartbeatMs?: number;
  readonly drainTimeout: number;
  readonly moduleCache?: string;
  readonly moduleCacheMb?: number;
  readonly shareCacheMb?: number;
  readonly trust?: string;
  /** False with `--no-tail-copies`. */
  readonly tailCopies: boolean;
}

export const MACHINE_COMMAND_DEFAULTS = {
  slowFactor: 2,
  /** Past this, a draining machine leaves anyway and its masters place what it still holds elsewhere. */
  drainTimeoutMs: 30_000,
} as const;

/**
 * `armada machine`: one process of the fleet, with one Agent+Worker pair per core. Logs
 * "connecting", then one `machine ready` line (and, when forked, sends `{ type: 'ready', id, name }`
 * over IPC); fails with exit code 1 and the reason when NATS cannot be reached within
 * `--connect-timeout` or refuses the credentials. SIGTERM / SIGINT drain it (see `MachineHandle.drain`)
 * and exit 0; a second signal exits at once.
 */
export function machineCommand(_io: ProgramIo, parent: Command): Command {
  const command = new Command('machine')
    .copyInheritedSettings(parent)
    .description('Run a machine: agents and worker threads that take work from every master of the cluster.')
    .option('--name <name>', 'name shown in cluster views (default <hostname>-<pid>)')
    .option('--agents <n>', 'agent+worker pairs (default: the number of cores)', positiveInt('--agents'))
    .option('--slow-fraction <0..1>', "DLisp's slow workers: share of this machine's agents that are slow", numberIn('--slow-fraction', 0, 1))
    .addOption(new Option('--slow-factor <k>', 'how many times as long a slow worker takes').argParser(numberIn('--slow-factor', 1)).default(MACHINE_COMMAND_DEFAULTS.slowFactor))
    .option('--heartbeat-ms <ms>', 'heartbeat period (default 1000)', positiveInt('--heartbeat-ms'))
    .option('--no-tail-copies', 'neither lend nor take copies of chunks at the tail of a job: the packets of this machine then run twice only when a message or a machine is lost')
    .option('--trust <keyfile>', 'public key file (from `armada keygen`): run only function modules signed by its private key')
    .option('--module-cache <dir>', 'directory that caches shipped function files across restarts')
    .option('--module-cache-mb <n>', 'size bound of the module cache, MiB', positiveInt('--module-cache-mb'))
    .option('--share-cache-mb <n>', 'size bound of the cache of shared values, MiB', positiveInt('--share-cache-mb'))
    .addOption(new Option('--drain-timeout <ms>', 'on SIGTERM/SIGINT, longest wait for queued work').argParser(positiveInt('--drain-timeout')).default(MACHINE_COMMAND_DEFAULTS.drainTimeoutMs));
  addNatsFlags(command, 'NATS server URL(s), comma-separated (required)');
  addLogFlags(command);
  return command.action((flags: MachineFlags) => runMachine(flags));
}

async function runMachine(flags: MachineFlags): Promise<void> {
  const log = loggerFor(flags);
  const nats = await natsTransportOptions(flags, log);
  const refusals = watchRefusals(nats.cluster ?? 'default', nats.prefix ?? 'armada');
  nats.onEvent = refusals.onEvent;
  const servers = natsServers(flags)!.join(',');
  let trust: string | undefined;
  if (flags.trust !== undefined) {
    try {
      trust = await readFile(flags.trust, 'utf8');
    } catch (cause) {
      throw new CommandFailedError(`--trust ${flags.trust}: cannot read the key file: ${(cause as Error).message}`, { code: 'ERR_TRUST_KEY', cause });
    }
  }
  const options: MachineOptions = {
    nats,
    logger: log,
    ...(flags.name !== undefined ? { name: flags.name } : {}),
    ...(flags.agents !== undefined ? { agents: flags.agents } : {}),
    ...(flags.heartbeatMs !== undefined ? { heartbeatMs: flags.heartbeatMs } : {}),
    ...(trust !== undefined ? { trust } : {}),
    ...(flags.slowFraction !== undefined ? { slow: { fraction: flags.slowFraction, factor: flags.slowFactor } } : {}),
    ...(flags.tailCopies ? {} : { agent: { lendCopies: false } }),
    definitions: {
      modules: {
        ...(flags.moduleCache !== undefined ? { dir: flags.moduleCache } : {}),
        ...(flags.moduleCacheMb !== undefined ? { maxBytes: flags.moduleCacheMb * 1024 * 1024 } : {}),
      },
      ...(flags.shareCacheMb !== undefined ? { shareCacheBytes: flags.shareCacheMb * 1024 * 1024 } : {}),
    },
  };
  log.info(`connecting to ${servers}`, { cluster: nats.cluster ?? 'default', prefix: nats.prefix ?? 'armada', timeoutMs: flags.connectTimeout });
  // Loaded here, not at the top, so `armada --help` does not pay for the scheduler.
  const { startMachine } = await import('@armada/scheduler');
  let machine: MachineHandle;
  try {
    machine = await startMachine(options);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ERR_INVALID_ARGUMENT') throw error;
    const message = (error as Error).message;
    const tls = flags.tlsCa !== undefined || flags.tlsCert !== undefined ? '; with TLS, does the server want a client certificate (--tls-cert/--tls-key)?' : '';
    const hint = /timeout$/i.test(message) ? ` (no NATS handshake within ${flags.connectTimeout} ms: is it a NATS server, and reachable${tls})` : '';
    throw new CommandFailedError(`cannot start the machine: ${message}${hint}`, { code: (error as { code?: string }).code ?? 'ERR_CONNECT', cause: error });
  }
  // Shipped functions are source code compiled on this host: whoever can publish on the cluster's subjects can run code here.
  if (trust !== undefined) log.info(`this machine runs only function modules signed by the key in ${flags.trust}; inline functions are refused`);
  else log.warn(
    `this machine runs code sent by anyone who can publish on ${nats.prefix ?? 'armada'}.${nats.cluster ?? 'default'}.> — ` +
      'give the NATS server credentials and subject permissions (README: "Run a fleet")',
  );
  log.info('machine ready', { name: machine.name, id: machine.id, agents: options.agents ?? os.availableParallelism(), nats: servers });
  process.send?.({ type: 'ready', id: machine.id, name: machine.name });
  const signal = await Promise.race([
    untilSignals(['SIGTERM', 'SIGINT'], (signal) => {
      log.warn('second signal: exiting without draining', { signal });
      process.exit(1);
    }),
    refusals.refused,
  ]);
  if (signal instanceof CommandFailedError) {
    await machine.close();
    throw signal;
  }
  log.info('draining: finishing queued work, then leaving; a second signal exits at once', { signal, timeoutMs: flags.drainTimeout });
  const report = await machine.drain({ timeoutMs: flags.drainTimeout });
  log.info('machine stopped', { name: machine.name, ...report });
}

import { Command, Option } from 'commander';
import type { Cluster, ClusterView } from '@armada/scheduler';
import { CliLogger } from '../cli-logger.js';
import { addLogFlags, loggerFor, type LogFlags } from '../common-flags.js';
import { CommandFailedError } from '../errors.js';
import { addNatsFlags, natsServers, natsTransportOptions, type NatsFlags } from '../nats-flags.js';
import { positiveInt } from '../parse.js';
import type { ProgramIo } from '../program.js';
import { watchRefusals } from '../refusals.js';
import { untilSignals } from '../signals.js';
import { formatView } from '../view-format.js';

interface StatusFlags extends NatsFlags, LogFlags {
  readonly json?: boolean;
  readonly watch?: boolean;
  readonly expect?: number;
  readonly wait: number;
  readonly interval: number;
}

export const STATUS_DEFAULTS = {
  /** Machines answer a new master within milliseconds; this covers a busy fleet. */
  waitMs: 1_500,
  intervalMs: 1_000,
  /**
   * Agents' counts come with heartbeats, not with the registration: after the wait, the first view
   * waits up to this long more for every machine to have sent one (a machine's period is 1 s).
   */
  countsWaitMs: 2_500,
} as const;

/**
 * `armada status`: joins the cluster as a master (machines register with it as with any master),
 * waits `--wait` ms (or until `--expect` machines registered) and prints the master's view:
 * machines with their stats and last heartbeat; agents with queue depth, running, done and stolen
 * in / out (from the machines' heartbeats, every master's packets since each machine started);
 * jobs of this master.
 * `--json` prints one JSON object per view; `--watch` prints a new view every `--interval` ms
 * until SIGINT / SIGTERM.
 */
export function statusCommand(io: ProgramIo, parent: Command): Command {
  const command = new Command('status')
    .copyInheritedSettings(parent)
    .description("Show the cluster's machines, agents and jobs.")
    .option('--json', 'print the view as JSON (one object per line with --watch)')
    .option('--watch', 'print the view again every --interval ms until interrupted')
    .option('--expect <n>', 'stop waiting as soon as this many machines registered', positiveInt('--expect'))
    .addOption(new Option('--wait <ms>', 'how long machines get to register before the first view').argParser(positiveInt('--wait')).default(STATUS_DEFAULTS.waitMs))
    .addOption(new Option('--interval <ms>', 'refresh period with --watch').argParser(positiveInt('--interval')).default(STATUS_DEFAULTS.intervalMs));
  addNatsFlags(command, 'NATS server URL(s), comma-separated (required)');
  addLogFlags(command);
  return command.action((flags: StatusFlags) => runStatus(io, flags));
}

async function runStatus(io: ProgramIo, flags: StatusFlags): Promise<void> {
  const log = loggerFor(flags);
  // The master's own membership news would drown the view; keep its warnings.
  const quiet = new CliLogger({ format: flags.logFormat, level: flags.logLevel === 'debug' ? 'debug' : 'warn' });
  const nats = await natsTransportOptions(flags, quiet);
  const refusals = watchRefusals(nats.cluster ?? 'default', nats.prefix ?? 'armada');
  nats.onEvent = refusals.onEvent;
  const { Cluster } = await import('@armada/scheduler');
  const servers = natsServers(flags)!.join(',');
  log.debug(`connecting to ${servers}`, { cluster: nats.cluster ?? 'default' });
  let cluster: Cluster;
  try {
    cluster = await Cluster.start({ nats, logger: quiet });
  } catch (error) {
    throw new CommandFailedError(`cannot reach the cluster: ${(error as Error).message}`, { code: (error as { code?: string }).code ?? 'ERR_CONNECT', cause: error });
  }
  try {
    await settle(cluster, flags);
    if (refusals.seen !== undefined) throw refusals.seen;
    const print = (view: ClusterView) => io.stdout(flags.json ? JSON.stringify({ nats: servers, cluster: nats.cluster ?? 'default', ...view }) + '\n' : formatView(view, servers) + '\n');
    print(await cluster.view());
    if (!flags.watch) return;
    let stop = false;
    const stopped = untilSignals(['SIGINT', 'SIGTERM'], () => process.exit(1)).then(() => (stop = true));
    while (!stop) {
      await Promise.race([stopped, new Promise((r) => setTimeout(r, flags.interval))]);
      if (stop) break;
      if (!flags.json && process.stdout.isTTY) io.stdout('\x1b[2J\x1b[H');
      print(await cluster.view());
    }
  } finally {
    await cluster.close();
  }
}

async function settle(cluster: Cluster, flags: StatusFlags): Promise<void> {
  if (flags.expect !== undefined) await cluster.waitForMachines(flags.expect, flags.wait).catch(() => undefined);
  else await new Promise((r) => setTimeout(r, flags.wait));
  // No event says a heartbeat arrived: look again every 100 ms, within the bound.
  const deadline = Date.now() + STATUS_DEFAULTS.countsWaitMs;
  while (Date.now() < deadline && !countsIn(await cluster.view())) await new Promise((r) => setTimeout(r, 100));
}

/** Whether every agent of the view has its counts (a machine that does not report them costs the bound). */
function countsIn(view: ClusterView): boolean {
  return view.machines.every((m) => m.agents.every((a) => a.done !== undefined));
}

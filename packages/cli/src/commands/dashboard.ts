import { Command, InvalidArgumentError, Option } from 'commander';
import { Cluster } from '@armada/scheduler';
import { CliLogger } from '../cli-logger.js';
import { addLogFlags, loggerFor, type LogFlags } from '../common-flags.js';
import { startDashboard, DASHBOARD_DEFAULTS } from '../dashboard/dashboard-server.js';
import { CommandFailedError } from '../errors.js';
import { addNatsFlags, natsServers, natsTransportOptions, type NatsFlags } from '../nats-flags.js';
import { positiveInt } from '../parse.js';
import type { ProgramIo } from '../program.js';
import { watchRefusals } from '../refusals.js';
import { untilSignals } from '../signals.js';

interface DashboardFlags extends NatsFlags, LogFlags {
  readonly port: number;
  readonly interval: number;
}

/** A TCP port, 0 (any free port) to 65535. */
function port(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError(`--port must be an integer in 0..65535, got "${value}"`);
  return n;
}

/**
 * `armada dashboard`: joins the cluster as a master and serves a live page on 127.0.0.1 only:
 * machines with their agents, queue depths, running / done / failed packets, steals between
 * agents per second, free memory, heartbeat age, and a throughput chart. Logs one
 * `dashboard ready` line with the URL (and, when forked, sends `{ type: 'ready', url }` over IPC);
 * SIGTERM / SIGINT stop it. Counts of results and steals are those of jobs this master sees.
 */
export function dashboardCommand(_io: ProgramIo, parent: Command): Command {
  const command = new Command('dashboard')
    .copyInheritedSettings(parent)
    .description('Serve a live web page of the cluster on 127.0.0.1.')
    .addOption(new Option('--port <port>', 'TCP port on 127.0.0.1 (0: any free port)').argParser(port).default(DASHBOARD_DEFAULTS.port))
    .addOption(new Option('--interval <ms>', 'how often the page is updated').argParser(positiveInt('--interval')).default(DASHBOARD_DEFAULTS.intervalMs));
  addNatsFlags(command, 'NATS server URL(s), comma-separated (required)');
  addLogFlags(command);
  return command.action((flags: DashboardFlags) => runDashboard(flags));
}

async function runDashboard(flags: DashboardFlags): Promise<void> {
  const log = loggerFor(flags);
  // The master's membership news belongs on the page, not in the log.
  const quiet = new CliLogger({ format: flags.logFormat, level: flags.logLevel === 'debug' ? 'debug' : 'warn' });
  const nats = await natsTransportOptions(flags, quiet);
  // A user refused the cluster's subjects would watch an empty page: fail and say why instead.
  const refusals = watchRefusals(nats.cluster ?? 'default', nats.prefix ?? 'armada');
  nats.onEvent = refusals.onEvent;
  const servers = natsServers(flags)!.join(',');
  log.info(`connecting to ${servers}`, { cluster: nats.cluster ?? 'default' });
  let cluster: Cluster;
  try {
    cluster = await Cluster.start({ nats, logger: quiet });
  } catch (error) {
    throw new CommandFailedError(`cannot reach the cluster: ${(error as Error).message}`, { code: (error as { code?: string }).code ?? 'ERR_CONNECT', cause: error });
  }
  try {
    const dashboard = await startDashboard(cluster, { port: flags.port, intervalMs: flags.interval, title: `${servers} · cluster ${nats.cluster ?? 'default'}` });
    log.info('dashboard ready', { url: dashboard.url });
    process.send?.({ type: 'ready', url: dashboard.url });
    const stop = await Promise.race([untilSignals(['SIGTERM', 'SIGINT'], () => process.exit(1)), refusals.refused]);
    await dashboard.close();
    if (stop instanceof CommandFailedError) throw stop;
    log.info('dashboard stopped', { signal: stop });
  } finally {
    await cluster.close();
  }
}

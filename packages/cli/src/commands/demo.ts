import { writeFileSync } from 'node:fs';
import os from 'node:os';
import cliProgress from 'cli-progress';
import { Command, Option } from 'commander';
import type { Cluster } from '@armada/scheduler';
import { CliLogger } from '../cli-logger.js';
import { addLogFlags, loggerFor, type LogFlags } from '../common-flags.js';
import { CommandFailedError } from '../errors.js';
import { explain, toCsv, toTable } from '../demo/report.js';
import { addNatsFlags, natsServers, natsTransportOptions, type NatsFlags } from '../nats-flags.js';
import { numberIn, positiveInt } from '../parse.js';
import type { ProgramIo } from '../program.js';

interface DemoFlags extends NatsFlags, LogFlags {
  readonly machines: number;
  readonly agents: number;
  readonly slowFraction: number;
  readonly slowFactor: number;
  readonly upTo: number;
  readonly threads: number;
  readonly wait: number;
  readonly json?: boolean;
  readonly csv?: string;
}

/**
 * Sized on a 2-core host: fac(0..3999) is 2.5–4 s of one core (3000 was too close to the fixed
 * costs — thread start-up for pmap, result shipping — to win clearly on a busy host).
 */
export const DEMO_DEFAULTS = {
  machines: 2,
  agents: 2,
  slowFraction: 0.5,
  slowFactor: 2,
  upTo: 4000,
  waitMs: 30_000,
} as const;

/**
 * `armada demo`: DLisp's experiment (see `runExperiment`) on an embedded cluster of `--machines`
 * in-process machines with slow workers, or with `--nats` on the machines of a running fleet.
 * Prints a progress bar on a terminal, then the results table (or JSON with `--json`) and what
 * the figures mean; `--csv` also writes them as CSV. Exit code 1 if any run's results differ.
 */
export function demoCommand(io: ProgramIo, parent: Command): Command {
  const command = new Command('demo')
    .copyInheritedSettings(parent)
    .description("DLisp's experiment: map, pmap and dmap in each placement mode, stealing on and off, with slow workers.")
    .addOption(new Option('--machines <n>', 'embedded: machines to start; with --nats: machines to wait for').argParser(positiveInt('--machines')).default(DEMO_DEFAULTS.machines))
    .addOption(new Option('--agents <n>', 'embedded: agents per machine').argParser(positiveInt('--agents')).default(DEMO_DEFAULTS.agents))
    .addOption(new Option('--slow-fraction <0..1>', 'embedded: share of each machine\'s agents that are slow').argParser(numberIn('--slow-fraction', 0, 1)).default(DEMO_DEFAULTS.slowFraction))
    .addOption(new Option('--slow-factor <k>', 'embedded: how many times as long a slow agent takes').argParser(numberIn('--slow-factor', 1)).default(DEMO_DEFAULTS.slowFactor))
    .addOption(new Option('--up-to <n>', 'workload: fac(n) for n in 0..up-to-1').argParser(positiveInt('--up-to')).default(DEMO_DEFAULTS.upTo))
    .addOption(new Option('--threads <n>', 'worker threads of the pmap run').argParser(positiveInt('--threads')).default(os.availableParallelism()))
    .addOption(new Option('--wait <ms>', 'with --nats: how long to wait for the machines').argParser(positiveInt('--wait')).default(DEMO_DEFAULTS.waitMs))
    .option('--json', 'print the results as JSON')
    .option('--csv <file>', 'also write the results as CSV');
  addNatsFlags(command, 'run on the machines of this NATS server instead of an embedded cluster');
  addLogFlags(command);
  return command.action((flags: DemoFlags) => runDemo(io, flags));
}

async function runDemo(io: ProgramIo, flags: DemoFlags): Promise<void> {
  const log = loggerFor(flags);
  const quiet = new CliLogger({ format: flags.logFormat, level: flags.logLevel === 'debug' ? 'debug' : 'warn' });
  const servers = natsServers(flags);
  const nats = servers === undefined ? undefined : await natsTransportOptions(flags, quiet);
  const [{ Cluster }, { runExperiment }] = await Promise.all([import('@armada/scheduler'), import('../demo/experiment.js')]);
  const slowCount = Math.round(flags.slowFraction * flags.agents);
  let where =
    nats === undefined
      ? `an embedded cluster of ${flags.machines} machines x ${flags.agents} agents (${slowCount} of ${flags.agents} per machine ${flags.slowFactor}x slow)`
      : `${flags.machines} machines on ${servers!.join(',')}`;
  let cluster: Cluster | undefined;
  const start = async (): Promise<Cluster> => {
    if (nats === undefined) {
      cluster = await Cluster.start({
        machines: flags.machines,
        agentsPerMachine: flags.agents,
        logger: quiet,
        ...(flags.slowFraction > 0 ? { machineSettings: { slow: { fraction: flags.slowFraction, factor: flags.slowFactor } } } : {}),
      });
      return cluster;
    }
    log.info(`connecting to ${servers!.join(',')}`, { cluster: nats.cluster ?? 'default' });
    try {
      cluster = await Cluster.start({ nats, logger: quiet });
    } catch (error) {
      throw new CommandFailedError(`cannot reach the cluster: ${(error as Error).message}`, { code: (error as { code?: string }).code ?? 'ERR_CONNECT', cause: error });
    }
    log.info(`waiting for ${flags.machines} machine(s)`, { timeoutMs: flags.wait });
    try {
      await cluster.waitForMachines(flags.machines, flags.wait);
    } catch (error) {
      throw new CommandFailedError(`${(error as Error).message}; start them with: armada machine --nats ${servers!.join(',')}`, { code: 'ERR_NO_MACHINES', cause: error });
    }
    const view = await cluster.view();
    where = `${view.machines.length} machines on ${servers!.join(',')} (${view.machines.reduce((n, m) => n + m.agents.length, 0)} agents)`;
    return cluster;
  };
  const bar = !flags.json && process.stderr.isTTY ? new cliProgress.SingleBar({ format: '{run} [{bar}] {value}/{total}', stream: process.stderr, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic) : undefined;
  try {
    if (nats !== undefined) {
      // The experiment joins the fleet only after map and pmap (seconds); check it is there first,
      // so an unreachable server or missing machines fail at once rather than after them.
      await start();
      await cluster?.close();
      cluster = undefined;
    }
    if (!flags.json) io.stdout(`armada demo: fac(0..${flags.upTo - 1}) with BigInt, on ${where}; every row runs twice, in two passes (the second ends with map), and the faster run counts; dmap after one untimed warm-up run\n`);
    const rows = await runExperiment({
      cluster: start,
      upTo: flags.upTo,
      threads: flags.threads,
      onRun: (label, total) => {
        if (bar === undefined) log.info(`running ${label}`);
        else {
          bar.stop();
          bar.start(total, 0, { run: label.padEnd(30) });
        }
      },
      onProgress: (done) => bar?.update(done),
    });
    bar?.stop();
    if (flags.csv !== undefined) writeFileSync(flags.csv, toCsv(rows));
    if (flags.json) io.stdout(JSON.stringify({ workload: `fac(0..${flags.upTo - 1})`, on: where, cores: os.availableParallelism(), rows }) + '\n');
    else io.stdout(`\n${toTable(rows)}\n${explain(rows, os.availableParallelism(), where)}\n`);
  } finally {
    bar?.stop();
    await cluster?.close();
  }
}

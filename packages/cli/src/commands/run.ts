import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { addLogFlags, type LogFlags } from '../common-flags.js';
import { CommandFailedError } from '../errors.js';
import { CliLogger } from '../cli-logger.js';
import { NATS_ENV, addNatsFlags, natsServers, natsTransportOptions, type NatsFlags } from '../nats-flags.js';
import type { ProgramIo } from '../program.js';

/** Flags whose values the warning about misplaced flags does not repeat. */
const SECRET_FLAGS = new Set(['--token', '--password']);

/** The module that installs the TypeScript hooks, next to this file's compiled copy. */
const REGISTER = new URL('../run/register.js', import.meta.url).href;

/**
 * `armada run app.ts [args...]`: runs a user program (TypeScript or JavaScript) in a new Node
 * process with the TypeScript hooks (decorator metadata included) and the NATS settings given as
 * flags exported as `ARMADA_*` variables, so `Cluster.start({ nats: process.env.ARMADA_NATS_URL })`
 * — or `{ nats: undefined }` — joins that cluster. Exits with the program's exit code; SIGTERM is
 * passed on to it, SIGINT (Ctrl-C reaches the program itself) is not.
 */
export function runCommand(io: ProgramIo, parent: Command): Command {
  const command = new Command('run')
    .copyInheritedSettings(parent)
    .description('Run a program (TypeScript included) against the cluster; arguments after the file go to the program.')
    .argument('<file>', 'the program: .ts, .mts, .js or .mjs')
    .argument('[args...]', 'arguments of the program')
    .passThroughOptions();
  addNatsFlags(command, 'the cluster the program joins (exported as ARMADA_NATS_URL)');
  addLogFlags(command);
  const own = new Set(command.options.map((o) => o.long).filter((l): l is string => l !== undefined));
  return command.action((file: string, args: string[], flags: NatsFlags & LogFlags) => {
    // Everything after the file goes to the program, so `armada run app.ts --nats URL` gives the
    // program an argument and leaves it on an embedded cluster: say so, since nothing else would.
    const names: string[] = [];
    const moved: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const [name, inline] = args[i]!.split('=', 2);
      if (!own.has(name!)) continue;
      names.push(name!);
      // Secrets are not echoed into logs.
      const secret = SECRET_FLAGS.has(name!);
      if (inline !== undefined) {
        moved.push(secret ? `${name}=…` : args[i]!);
        continue;
      }
      moved.push(name!);
      // Every flag of armada run takes a value: `--nats URL` moves as a pair.
      if (i + 1 < args.length && !args[i + 1]!.startsWith('--')) {
        i++;
        moved.push(secret ? '…' : args[i]!);
      }
    }
    if (names.length > 0) {
      io.stderr(
        `warning: ${names.join(', ')} after ${file} go${names.length === 1 ? 'es' : ''} to the program, not to armada run; ` +
          `put armada's flags before the file: armada run ${moved.join(' ')} ${file}\n`,
      );
    }
    return runProgram(file, args, flags);
  });
}

async function runProgram(file: string, args: string[], flags: NatsFlags & LogFlags): Promise<void> {
  const path = resolve(file);
  if (!existsSync(path)) throw new CommandFailedError(`no such file: ${file}`, { code: 'ERR_FILE' });
  // Checked here as every command checks them, so a mistake names the flag rather than failing
  // inside the program under the variable's name.
  if (natsServers(flags) !== undefined) await natsTransportOptions(flags, new CliLogger({ format: flags.logFormat, level: 'warn' }));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, variable] of Object.entries(NATS_ENV)) {
    const value = (flags as unknown as Record<string, unknown>)[key];
    if (value !== undefined) env[variable] = String(value);
  }
  const child = spawn(process.execPath, ['--enable-source-maps', '--import', REGISTER, path, ...args], { stdio: 'inherit', env });
  // Ctrl-C reaches the whole process group, the program included, so SIGINT is not passed on again
  // (a second SIGINT would make a draining program exit at once); SIGTERM is sent to one pid, so it is.
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  const ignore = () => undefined;
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  const code = await new Promise<number>((done, fail) => {
    child.once('error', (error) => fail(new CommandFailedError(`cannot start ${file}: ${error.message}`, { cause: error })));
    child.once('exit', (exitCode, signal) => done(exitCode ?? (signal !== null ? 128 + signalNumber(signal) : 1)));
  });
  process.off('SIGINT', ignore);
  process.off('SIGTERM', forward);
  if (code !== 0) throw new ProgramExit(code);
}

/** The program ended with a non-zero code; the command exits with the same code. */
export class ProgramExit extends CommandFailedError {
  constructor(readonly exitCode: number) {
    super(`the program exited with code ${exitCode}`, { code: 'ERR_PROGRAM_EXIT' });
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGINT: 2, SIGTERM: 15, SIGKILL: 9 } as Record<string, number>)[signal] ?? 1;
}

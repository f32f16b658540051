import { Command } from 'commander';
import { dashboardCommand } from './commands/dashboard.js';
import { demoCommand } from './commands/demo.js';
import { initCommand } from './commands/init.js';
import { keygenCommand } from './commands/keygen.js';
import { machineCommand } from './commands/machine.js';
import { runCommand } from './commands/run.js';
import { statusCommand } from './commands/status.js';

/** Where a command writes: its output (stdout) and its diagnostics (stderr). */
export interface ProgramIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * The `armada` command with every subcommand. Parse errors throw `CommanderError` (the caller maps
 * them to exit code 2) instead of exiting, so the program can run inside a test.
 */
export function createProgram(io: ProgramIo): Command {
  const program = new Command('armada')
    .description('Run actors and functions across a fleet of Node.js processes over NATS.')
    .version('0.1.0')
    .exitOverride()
    .enablePositionalOptions()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `
Every command that talks to a cluster reads its NATS settings from flags or from the
environment: ARMADA_NATS_URL, ARMADA_TOKEN, ARMADA_USER, ARMADA_PASSWORD, ARMADA_CREDS,
ARMADA_TLS_CA, ARMADA_TLS_CERT, ARMADA_TLS_KEY, ARMADA_CLUSTER, ARMADA_PREFIX,
ARMADA_CONNECT_TIMEOUT_MS; logging from ARMADA_LOG_FORMAT (text|json) and ARMADA_LOG_LEVEL.
Exit codes: 0 done, 1 the command failed, 2 bad usage.`,
    );
  for (const make of [machineCommand, statusCommand, dashboardCommand, demoCommand, runCommand, initCommand, keygenCommand]) program.addCommand(make(io, program));
  return program;
}

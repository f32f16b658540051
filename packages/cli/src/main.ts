import { CommanderError } from 'commander';
import { ArmadaError } from '@armada/actors';
import { ProgramExit } from './commands/run.js';
import { ExitCode, UsageError } from './errors.js';
import { createProgram, type ProgramIo } from './program.js';

/**
 * Runs the `armada` command line `argv` (without `node` and the script) and resolves with the
 * exit code: 0 done, 2 bad usage (the message and a pointer to `--help` on stderr), 1 the command
 * failed (its message on stderr). Never rejects.
 */
export async function main(argv: readonly string[], io: Partial<ProgramIo> = {}): Promise<number> {
  const stderr = io.stderr ?? ((s: string) => process.stderr.write(s));
  const program = createProgram({ stdout: io.stdout ?? ((s: string) => process.stdout.write(s)), stderr });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message already; help and version are not failures.
      if (error.exitCode === 0) return ExitCode.ok;
      return ExitCode.usage;
    }
    // The program run by `armada run` has said what went wrong; pass its exit code on.
    if (error instanceof ProgramExit) return error.exitCode;
    const usage = error instanceof UsageError || (error instanceof ArmadaError && error.code === 'ERR_INVALID_ARGUMENT');
    const message = (error as Error)?.message ?? String(error);
    const code = usage ? ExitCode.usage : ExitCode.failure;
    if (wantsJson(argv)) {
      stderr(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: message, code: (error as { code?: unknown })?.code, exitCode: code }) + '\n');
    } else {
      stderr(`error: ${message}\n${usage ? `(see armada ${firstCommand(argv)}--help)\n` : ''}`);
    }
    return code;
  }
}

/** The failure is one more log line, in the format the command's logs use. */
function wantsJson(argv: readonly string[]): boolean {
  const at = argv.indexOf('--log-format');
  const flag = at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith('--log-format='))?.slice('--log-format='.length);
  return (flag ?? process.env.ARMADA_LOG_FORMAT) === 'json';
}

function firstCommand(argv: readonly string[]): string {
  const name = argv.find((a) => !a.startsWith('-'));
  return name === undefined ? '' : `${name} `;
}

import { Option, type Command } from 'commander';
import { LogLevel } from '@armada/actors';
import { CliLogger, LogFormat } from './cli-logger.js';

/** The logging flags every command shares. */
export interface LogFlags {
  readonly logFormat: LogFormat;
  readonly logLevel: LogLevel;
}

/** Adds `--log-format` and `--log-level` (with `ARMADA_LOG_FORMAT` / `ARMADA_LOG_LEVEL`). */
export function addLogFlags(command: Command): Command {
  return command
    .addOption(new Option('--log-format <format>', 'log lines for people or machines').choices(Object.values(LogFormat)).env('ARMADA_LOG_FORMAT').default(LogFormat.text))
    .addOption(
      new Option('--log-level <level>', 'least severe level logged')
        .choices(Object.keys(LogLevel))
        .env('ARMADA_LOG_LEVEL')
        .default('info'),
    );
}

/** The logger the flags ask for. */
export function loggerFor(flags: LogFlags): CliLogger {
  return new CliLogger({ format: flags.logFormat, level: flags.logLevel });
}

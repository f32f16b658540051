import { ArmadaError } from '@armada/actors';

/**
 * The command line was wrong: an unknown flag, a missing or malformed value. The command exits
 * with code 2 and prints the message with a pointer to `--help`; nothing was started.
 */
export class UsageError extends ArmadaError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'ERR_USAGE', cause });
  }
}

/**
 * A command could not do its work (NATS unreachable, credentials refused, a file missing).
 * The command exits with code 1 and prints the message.
 */
export class CommandFailedError extends ArmadaError {
  constructor(message: string, options: { code?: string; retryable?: boolean; cause?: unknown } = {}) {
    super(message, { code: options.code ?? 'ERR_COMMAND_FAILED', retryable: options.retryable ?? false, cause: options.cause });
  }
}

/** Exit codes of the `armada` command. */
export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * `@armada/cli`: the `armada` command. Use the `armada` bin; `main` runs a command line in this
 * process (for tests and wrappers) and resolves with its exit code.
 */
export { main } from './main.js';
export { createProgram, type ProgramIo } from './program.js';
export { CliLogger, LogFormat, CLI_LOGGER_DEFAULTS, type CliLoggerOptions } from './cli-logger.js';
export { NATS_ENV, NATS_FLAG_DEFAULTS, natsTransportOptions, type NatsFlags } from './nats-flags.js';
export { UsageError, CommandFailedError, ExitCode } from './errors.js';
export { startDashboard, DASHBOARD_DEFAULTS, type Dashboard, type DashboardOptions, type ViewSource } from './dashboard/dashboard-server.js';
export type { DashboardSnapshot, MachineRow, AgentRow, StealRow, MachineState } from './dashboard/snapshot.js';

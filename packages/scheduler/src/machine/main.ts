#!/usr/bin/env node
/**
 * The machine process: starts one Machine against a NATS server and runs until SIGINT/SIGTERM.
 *
 *   node packages/scheduler/dist/src/machine/main.js --nats nats://127.0.0.1:4222 --name m1 --agents 2
 *
 * Prints one line when it is ready (and, when forked, sends `{ type: 'ready', id, name }` over
 * IPC). Exits with code 2 on bad arguments and 1 when it cannot connect.
 */
import { parseArgs } from 'node:util';
import { ArmadaError } from '@armada/actors';
import { startMachine, type MachineOptions } from './start-machine.js';

const USAGE = `usage: armada-machine --nats <url> [--name <name>] [--agents <n>]
       [--prefix <p>] [--cluster <c>] [--token <t>] [--user <u> --pass <p>]
       [--slow-fraction <0..1> --slow-factor <k>] [--heartbeat-ms <ms>]
       [--module-cache <dir>] [--module-cache-mb <n>] [--share-cache-mb <n>]`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        nats: { type: 'string' },
        name: { type: 'string' },
        agents: { type: 'string' },
        prefix: { type: 'string' },
        cluster: { type: 'string' },
        token: { type: 'string' },
        user: { type: 'string' },
        pass: { type: 'string' },
        'slow-fraction': { type: 'string' },
        'slow-factor': { type: 'string' },
        'heartbeat-ms': { type: 'string' },
        'module-cache': { type: 'string' },
        'module-cache-mb': { type: 'string' },
        'share-cache-mb': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    fail(2, `${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.nats === undefined) fail(2, `--nats is required\n${USAGE}`);
  const options: MachineOptions = {
    nats: {
      servers: values.nats,
      ...(values.prefix !== undefined ? { prefix: values.prefix } : {}),
      ...(values.cluster !== undefined ? { cluster: values.cluster } : {}),
      connection: {
        ...(values.token !== undefined ? { token: values.token } : {}),
        ...(values.user !== undefined ? { user: values.user, pass: values.pass ?? '' } : {}),
      },
    },
    ...(values.name !== undefined ? { name: values.name } : {}),
    ...(values.agents !== undefined ? { agents: number(values.agents, '--agents') } : {}),
    ...(values['heartbeat-ms'] !== undefined ? { heartbeatMs: number(values['heartbeat-ms'], '--heartbeat-ms') } : {}),
    ...(values['slow-fraction'] !== undefined || values['slow-factor'] !== undefined
      ? { slow: { fraction: number(values['slow-fraction'] ?? '0', '--slow-fraction'), factor: number(values['slow-factor'] ?? '2', '--slow-factor') } }
      : {}),
    definitions: {
      modules: {
        ...(values['module-cache'] !== undefined ? { dir: values['module-cache'] } : {}),
        ...(values['module-cache-mb'] !== undefined ? { maxBytes: number(values['module-cache-mb'], '--module-cache-mb') * 1024 * 1024 } : {}),
      },
      ...(values['share-cache-mb'] !== undefined ? { shareCacheBytes: number(values['share-cache-mb'], '--share-cache-mb') * 1024 * 1024 } : {}),
    },
  };
  let machine;
  try {
    machine = await startMachine(options);
  } catch (error) {
    const badArgument = error instanceof ArmadaError && error.code === 'ERR_INVALID_ARGUMENT';
    fail(badArgument ? 2 : 1, `cannot start the machine: ${(error as Error).message}${badArgument ? `\n${USAGE}` : ''}`);
  }
  console.log(`machine ${machine.name} (${machine.id}) ready on ${values.nats}`);
  process.send?.({ type: 'ready', id: machine.id, name: machine.name });
  const stop = () => {
    void machine.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
}

function number(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n)) fail(2, `${flag} must be a number, got "${text}"\n${USAGE}`);
  return n;
}

function fail(code: number, message: string): never {
  console.error(message);
  process.exit(code);
}

await main();

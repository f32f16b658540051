/**
 * Test-only machine process for the scheduler's integration tests, so the scheduler does not
 * depend on the CLI (users run `armada machine`).
 *
 *   node machine-process.js <nats-url> <name> <agents> [heartbeat-ms]
 *
 * Sends `{ type: 'ready', id, name }` over IPC once started; SIGTERM or a lost parent closes it.
 */
import { startMachine } from '../../src/index.js';

const [nats, name, agents, heartbeatMs] = process.argv.slice(2);
const machine = await startMachine({
  nats: nats!,
  name: name!,
  agents: Number(agents),
  ...(heartbeatMs !== undefined ? { heartbeatMs: Number(heartbeatMs) } : {}),
});
process.send?.({ type: 'ready', id: machine.id, name: machine.name });
const stop = () => void machine.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.once('disconnect', stop);

import os from 'node:os';
import { InvalidArgumentError, type ActorSystem, type TimerHandle } from '@armada/actors';
import { machineId, type MachineId } from '../ids.js';
import { startNode, type NodeOptions } from '../node-options.js';
import type { DefinitionClient } from '../functions/definition-client.js';
import type { KeyInput } from '../functions/module-signing.js';
import { INGRESS_PATH, IngressReporter } from '../functions/ingress-reporter.js';
import { SchedulerTokens } from '../tokens.js';
import { Machine } from './machine.js';
import { MACHINE_DEFAULTS, type MachineSettings } from './machine-settings.js';
import { MACHINE_PATH, type DrainReport, type MachineMsg } from './protocol.js';

/** Options of {@link startMachine}: where to connect, plus the machine's tunables. */
export type MachineOptions = NodeOptions &
  Partial<MachineSettings> & {
    /**
     * The ed25519 public key (PEM text, as `armada keygen` writes it, or a `KeyObject`) of the
     * masters this machine trusts: it then runs only function modules they signed and refuses
     * anything else with `UntrustedModuleError`. Same as `definitions.trust`.
     */
    trust?: KeyInput;
  };

/** A running machine. */
export interface MachineHandle {
  /** The machine's id, unique in the cluster. */
  readonly id: MachineId;
  /** The name it was started with (`--name`). */
  readonly name: string;
  /** The actor system the machine's actors run in; closed by `close()`. */
  readonly system: ActorSystem;
  /**
   * Leaves the cluster without losing work or costing retries: stops taking new packets and
   * stealing, finishes what is queued, then deregisters from every master (which places anything
   * it still had booked here elsewhere, uncharged). After `timeoutMs` (default 30 s) it leaves
   * with whatever is left, which its masters place elsewhere the same way. Then closes the machine.
   * Resolves with how it went; calling it again returns the same promise.
   */
  drain(options?: { timeoutMs?: number }): Promise<DrainReport>;
  /** Stops the agents and their threads and leaves the cluster at once. Idempotent. */
  close(): Promise<void>;
}

/** Default of `MachineHandle.drain`'s `timeoutMs`. */
export const DRAIN_TIMEOUT_MS = 30_000;

/**
 * Starts a Machine: an actor system on NATS (or in memory) with one Agent+Worker pair per core.
 * It finds masters by itself (broadcasts), so start it before or after them. Throws
 * `InvalidArgumentError` for bad settings and the transport's errors if it cannot connect.
 */
export async function startMachine(options: MachineOptions = {}): Promise<MachineHandle> {
  const name = options.name ?? `${os.hostname()}-${process.pid}`;
  const settings: MachineSettings = {
    ...MACHINE_DEFAULTS,
    name,
    agents: options.agents ?? os.availableParallelism(),
    ...pick(options),
  };
  check(settings);
  const system = await startNode('machine', options.trust === undefined ? options : { ...options, definitions: { ...options.definitions, trust: options.trust } });
  system.container.register(SchedulerTokens.MachineSettings, { useValue: settings });
  const machine = system.spawn<MachineMsg>(Machine, { name: MACHINE_PATH.slice('/user/'.length) });
  const definitions = system.container.resolve<DefinitionClient>(SchedulerTokens.Definitions);
  system.spawn(() => new IngressReporter(definitions), { name: INGRESS_PATH.slice('/user/'.length) });
  let closing: Promise<void> | undefined;
  let draining: Promise<DrainReport> | undefined;
  const close = () => (closing ??= system.terminate());
  return {
    id: machineId(system.node),
    name,
    system,
    close,
    drain: (o = {}) =>
      (draining ??= (async () => {
        const timeoutMs = o.timeoutMs ?? DRAIN_TIMEOUT_MS;
        if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new InvalidArgumentError(`drain timeoutMs must be a positive number, got ${String(timeoutMs)}`);
        if (closing !== undefined) return { emptied: false, placedAgain: 0, unanswered: 0 };
        // The machine answers by the deadline plus one deregistration round; the guard is for a machine that died meanwhile.
        const guardMs = timeoutMs + settings.masterTimeoutMs + 1_000;
        // On the node's clock, so a simulated drain does not race a real timer.
        let guard: TimerHandle | undefined;
        const report = await new Promise<DrainReport>((done) => {
          guard = system.clock.setTimeout(() => done({ emptied: false, placedAgain: 0, unanswered: -1 }), guardMs);
          (guard as { unref?: () => void }).unref?.();
          machine.tell({ type: 'drain', timeoutMs, done });
        });
        if (guard !== undefined) system.clock.clearTimeout(guard);
        await close();
        return report;
      })()),
  };
}

function pick(options: MachineOptions): Partial<MachineSettings> {
  const out: Record<string, unknown> = {};
  for (const key of ['heartbeatMs', 'masterTimeoutMs', 'slow', 'agent', 'maxThreadHeapMb'] as const) {
    if (options[key] !== undefined) out[key] = options[key];
  }
  return out as Partial<MachineSettings>;
}

function check(s: MachineSettings): void {
  const positive = (v: number, what: string) => {
    if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new InvalidArgumentError(`${what} must be a positive number, got ${String(v)}`);
  };
  if (!Number.isInteger(s.agents) || s.agents < 1) throw new InvalidArgumentError(`agents must be a positive integer, got ${String(s.agents)}`);
  positive(s.heartbeatMs, 'heartbeatMs');
  positive(s.masterTimeoutMs, 'masterTimeoutMs');
  if (s.slow !== undefined) {
    if (!(s.slow.fraction >= 0 && s.slow.fraction <= 1)) throw new InvalidArgumentError(`slow.fraction must be in 0..1, got ${String(s.slow.fraction)}`);
    if (!(s.slow.factor >= 1 && Number.isFinite(s.slow.factor))) throw new InvalidArgumentError(`slow.factor must be ≥ 1, got ${String(s.slow.factor)}`);
  }
}

import { InvalidArgumentError } from '@armada/actors';
import type { ModeName } from './placement/registry.js';
import type { PlacementStrategy } from './placement/placement-strategy.js';

/** Options of one `dmap` call. Everything is optional. */
export interface DmapOptions {
  /** Values the function may use by name: its environment, shipped with it (DLisp's `Env`). */
  env?: Record<string, unknown>;
  /** Placement strategy by name: `round-robin` (default), `low-latency`, `by-memory`, or a registered one. */
  mode?: ModeName | (string & {});
  /** A strategy instance; wins over `mode`. */
  placement?: PlacementStrategy;
  /** Whether idle agents may steal this job's packets. Default true. */
  stealing?: boolean;
  /** Re-runs per packet after its worker thread or machine died. Default 3. */
  maxRetries?: number;
  /** Also retry packets whose code threw (up to `maxRetries`). Default false: the call rejects. */
  retryErrors?: boolean;
  /** Reject with `JobTimeoutError` (and cancel the rest) after this long. Default: no limit. */
  timeoutMs?: number;
  /** With no machine alive, reject with `NoMachinesError` after this long. Default 10 s. */
  waitForMachinesMs?: number;
  /** Most packets in flight at once; inputs are read lazily. Default 100,000. */
  maxInFlight?: number;
  /** Called after every batch of results with the count done and the total (once known). */
  progress?: (done: number, total: number | undefined) => void;
}

/** The defaults each `dmap` call's options are merged over. */
export const DMAP_DEFAULTS = {
  mode: 'round-robin',
  stealing: true,
  maxRetries: 3,
  retryErrors: false,
  waitForMachinesMs: 10_000,
  maxInFlight: 100_000,
} as const;

/** Throws `InvalidArgumentError` naming the first bad option. */
export function checkDmapOptions(o: DmapOptions): void {
  const bad = (what: string, v: unknown) => new InvalidArgumentError(`dmap option ${what}, got ${typeof v === 'string' ? `"${v}"` : String(v)}`);
  if (o.env !== undefined && (typeof o.env !== 'object' || o.env === null || Array.isArray(o.env))) throw bad('env must be a plain object', o.env);
  if (o.maxRetries !== undefined && !(Number.isInteger(o.maxRetries) && o.maxRetries >= 0)) throw bad('maxRetries must be a non-negative integer', o.maxRetries);
  for (const key of ['timeoutMs', 'waitForMachinesMs', 'maxInFlight'] as const) {
    const v = o[key];
    if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v))) throw bad(`${key} must be a positive number`, v);
  }
  if (o.progress !== undefined && typeof o.progress !== 'function') throw bad('progress must be a function', o.progress);
  if (o.placement !== undefined && typeof o.placement?.choose !== 'function') throw bad('placement must have a choose method', o.placement);
}

import { createHash } from 'node:crypto';
import type { ModuleFunction } from './function-def.js';

/** Where an exported function of an imported module file lives. */
export interface ModuleExportRef {
  /** Content hash of the bundled module. */
  readonly module: string;
  readonly exportName: string;
  /** The user's file. */
  readonly file: string;
}

const MODULE_EXPORT = Symbol.for('armada.scheduler.moduleExport');

/**
 * A stand-in function for an export of an imported module: `dmap` recognises it and ships the
 * export by hash instead of source. Calling it runs `call`, which by default throws: the code
 * runs on the cluster.
 */
export function moduleExportFunction(ref: ModuleExportRef, call?: (...args: unknown[]) => unknown): (...args: never[]) => unknown {
  const fn =
    call ??
    ((): never => {
      throw new TypeError(`${ref.exportName} from ${ref.file} runs on the cluster: pass it to dmap, or call it through importFunctions`);
    });
  Object.defineProperty(fn, 'name', { value: ref.exportName });
  Object.defineProperty(fn, MODULE_EXPORT, { value: ref });
  return fn;
}

/** The module export a stand-in stands for, or undefined for any other function. */
export function moduleExportOf(fn: unknown): ModuleExportRef | undefined {
  return typeof fn === 'function' ? ((fn as unknown as Record<symbol, ModuleExportRef | undefined>)[MODULE_EXPORT] ?? undefined) : undefined;
}

/**
 * The definition of a module export. `spread`: packets carry an array of arguments (`runDist`)
 * rather than the single argument (`dmap`). Equal inputs give equal hashes.
 */
export function moduleDefinition(ref: ModuleExportRef, spread: boolean): ModuleFunction {
  const hash = createHash('sha256').update(`${ref.module}\0${ref.exportName}\0${spread ? 1 : 0}`).digest('base64url').slice(0, 32);
  return { kind: 'module', hash, module: ref.module, exportName: ref.exportName, spread, file: ref.file };
}

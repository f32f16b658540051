import { ModuleLoadError } from '../errors.js';
import { compileFunction, type CompiledFunction } from './compile-function.js';
import type { FunctionDef, ModuleFunction } from './function-def.js';

/**
 * Turns a definition into a callable: compiles a source function, or imports a module function
 * from its cached file (`def.url`, set on the machine) and takes the export. Throws
 * `ModuleLoadError` (the import's error as `cause` and in the message) when the module throws on
 * import, has no such export, or the export is not a function.
 */
export async function loadFunction(def: FunctionDef): Promise<CompiledFunction> {
  if (def.kind !== 'module') return compileFunction(def);
  return loadModuleFunction(def);
}

async function loadModuleFunction(def: ModuleFunction): Promise<CompiledFunction> {
  if (def.url === undefined) throw new ModuleLoadError(`module ${def.file} (${def.module}) is not on this machine`);
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(def.url)) as Record<string, unknown>;
  } catch (cause) {
    const error = cause as Error;
    throw new ModuleLoadError(`module ${def.file} (${def.module}) failed to load: ${error?.name ?? 'Error'}: ${error?.message ?? String(cause)}`, cause);
  }
  const fn = namespace[def.exportName];
  if (typeof fn !== 'function') {
    const names = Object.keys(namespace).filter((k) => typeof namespace[k] === 'function');
    throw new ModuleLoadError(`module ${def.file} has no exported function "${def.exportName}"; it exports: ${names.join(', ') || '(none)'}`);
  }
  const f = fn as (...args: unknown[]) => unknown;
  return def.spread ? (args: unknown) => f(...(args as unknown[])) : (arg: unknown) => f(arg);
}

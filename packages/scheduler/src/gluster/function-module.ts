import path from 'node:path';
import { UnknownFunctionError } from '../errors.js';
import type { BundledModule } from '../functions/bundle-module.js';
import { checkArguments } from '../functions/check-args.js';
import type { ModuleFunction } from '../functions/function-def.js';
import { moduleDefinition, moduleExportFunction } from '../functions/module-function.js';
import type { FunctionSignature } from '../functions/signatures.js';

/**
 * An imported function file: its bundle's hash, its exports and their signatures. A new import
 * of a changed file is a new `FunctionModule` with a new hash; jobs already running on the old
 * one finish on the old code.
 */
export class FunctionModule {
  /** The file's base name without extension: `functions` for `./functions.ts`, as `runDist` names it. */
  readonly name: string;
  private readonly signatures = new Map<string, FunctionSignature>();
  /** Spread definitions by export name: a hash is computed once, not per call. */
  private readonly spreadDefs = new Map<string, ModuleFunction>();

  constructor(
    readonly bundle: BundledModule,
    /** The exported functions' signatures, read from the file's source. */
    signatures: readonly FunctionSignature[],
  ) {
    this.name = path.basename(bundle.file).replace(/\.(m|c)?(t|j)sx?$/, '');
    for (const sig of signatures) this.signatures.set(sig.name, sig);
  }

  /** Content hash of the bundled module. */
  get hash(): string {
    return this.bundle.hash;
  }

  /** The user's file, absolute. */
  get file(): string {
    return this.bundle.file;
  }

  /** The module's export names. */
  get exports(): readonly string[] {
    return this.bundle.exports;
  }

  /**
   * A stand-in for export `name`, to pass to `dmap` (one input per call). Throws
   * `UnknownFunctionError` listing the exports when there is no such export.
   */
  fn<F extends (...args: never[]) => unknown = (...args: never[]) => unknown>(name: string): F {
    this.requireExport(name);
    return moduleExportFunction({ module: this.hash, exportName: name, file: this.file }) as unknown as F;
  }

  /**
   * The definition that runs export `name` with an array of arguments, after checking them
   * against its signature (unless `check` is false). Throws `UnknownFunctionError` or
   * `ArgumentTypeError`; nothing is sent.
   */
  spreadDefinition(name: string, args: readonly unknown[], check = true): ModuleFunction {
    this.requireExport(name);
    const sig = this.signatures.get(name);
    if (sig !== undefined && check) checkArguments(sig, args);
    let def = this.spreadDefs.get(name);
    if (def === undefined) this.spreadDefs.set(name, (def = moduleDefinition({ module: this.hash, exportName: name, file: this.file }, true)));
    return def;
  }

  private requireExport(name: string): void {
    if (!this.bundle.exports.includes(name)) {
      throw UnknownFunctionError.forName(`${this.name}.${name}`, this.bundle.exports.map((e) => `${this.name}.${e}`));
    }
  }
}

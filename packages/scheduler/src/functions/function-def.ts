/**
 * What travels in a work packet to say which function to run. A definition is shipped once per
 * agent and worker thread and cached there by `hash`; packets carry only the hash.
 */
export type FunctionDef = SourceFunction | ModuleFunction;

/**
 * A self-contained function shipped as source with an explicit environment, as DLisp shipped
 * `{Exp, Env}`: the source may use the keys of `env`, its own parameters and the standard
 * globals, nothing else.
 */
export interface SourceFunction {
  /** Discriminant: the function travels as source text. */
  readonly kind: 'source';
  /** Content hash of `source` and `env`: equal hashes mean the same function. */
  readonly hash: string;
  /** A function expression (`x => x + 1`, `function f(x) { ... }`, `async (x) => ...`). */
  readonly source: string;
  /** Values bound to free names of `source`; travels as CBOR (typed arrays as binary). */
  readonly env: Readonly<Record<string, unknown>>;
  /** The function's name, for error messages. */
  readonly name?: string;
}

/**
 * A function exported by a bundled module file (see `importFunctionFile`). The module's code
 * travels apart from the definition, by its own hash, once per machine; a machine that lacks it
 * fetches it from the master and keeps it in its disk cache.
 */
export interface ModuleFunction {
  /** Discriminant: the function is an export of a module every machine can import. */
  readonly kind: 'module';
  /** Hash of this definition: of `module`, `exportName` and `spread`. */
  readonly hash: string;
  /** Content hash (sha256) of the bundled module. */
  readonly module: string;
  /** The export to call. */
  readonly exportName: string;
  /** The packet argument is an array of arguments to spread (`runDist`), rather than the one argument (`dmap`). */
  readonly spread: boolean;
  /** The user's file, for error messages. */
  readonly file: string;
  /** Set on the machine only: where its cached copy of the module is (a `file:` URL). */
  readonly url?: string;
}

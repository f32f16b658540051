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
 * A function exported by a module file that was bundled and shipped by hash. Reserved for the
 * function-file facade: the packet format already carries it, workers do not run it yet.
 */
export interface ModuleFunction {
  /** Discriminant: the function is an export of a module every machine can import. */
  readonly kind: 'module';
  /** Content hash of the bundled module. */
  readonly hash: string;
  /** The export to call. */
  readonly exportName: string;
}

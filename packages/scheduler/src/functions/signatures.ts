/**
 * Placeholder until the signature reader lands: reads nothing, so every call is accepted.
 * The real module reads exported functions' parameters and declared types with the TypeScript
 * compiler API.
 */

/** A CBOR-serialisable plain-data description of a TypeScript type. */
export type TypeDesc = { readonly type: string; readonly [key: string]: unknown };

export interface ParamSignature {
  name: string;
  /** null: untyped JavaScript. */
  type: TypeDesc | null;
  optional: boolean;
  rest: boolean;
}

export interface FunctionSignature {
  name: string;
  params: ParamSignature[];
}

/** Reads the exported functions of a module's source (TS or JS) with the TypeScript compiler API. */
export function readSignatures(_source: string, _fileName: string): FunctionSignature[] {
  return [];
}

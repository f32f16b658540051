import type { FunctionSignature } from './signatures.js';

/**
 * Placeholder until the argument checker lands: accepts everything. The real one throws
 * `ArgumentTypeError` naming function, parameter path, expected and given.
 */
export function checkArguments(_sig: FunctionSignature, _args: readonly unknown[]): void {}

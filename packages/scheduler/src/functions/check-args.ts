import { InvalidArgumentError } from '@armada/actors';
import { ArgumentTypeError } from '../errors.js';
import { checkValue, type Mismatch } from './check-value.js';
import { describeValue } from './describe-value.js';
import type { FunctionSignature, ParamSignature } from './signatures.js';
import { describeType } from './type-desc.js';

/**
 * Throws ArgumentTypeError naming function, parameter path (`b[3].rows`), expected and given.
 *
 * First the arity: every required parameter needs an argument (a missing one is named, with
 * `given` saying how many arguments came), and there may be no more arguments than parameters
 * unless the last is a rest parameter (then `path` is `arguments`). Then each argument deeply
 * against its parameter's type; an optional parameter also takes `undefined`, a parameter typed
 * `null` (plain JavaScript) takes anything, and a rest parameter's arguments are checked as one
 * array against its array or tuple type. The first mismatch in order is reported.
 *
 * Path syntax, from the parameter's name down: `.name` or `["odd key"]` for a property, `[3]` for
 * an array or tuple element, `.get("k")` for the value of a `Map` entry with a string, number,
 * boolean or bigint key (`.values()[i]` for other keys), `.keys()[i]` for a `Map` key and
 * `.values()[i]` for a `Set` element, both in iteration order. `expected` is in TypeScript syntax
 * (`number[]`, `Map<string, Float64Array>`, an interface's name); `given` is a short description
 * (`string "abc"`, `Array(3)`, `Float32Array(10)`, `undefined (missing)`).
 *
 * Cost: linear in the size of the arguments (1M-element `number[]`: a few ms); a typed array is O(1).
 */
export function checkArguments(sig: FunctionSignature, args: readonly unknown[]): void {
  if (!Array.isArray(args)) throw new InvalidArgumentError(`checkArguments takes the arguments as an array, got ${describeValue(args)}`);
  const { name, params } = sig;
  const restAt = params.findIndex((p) => p.rest);
  const positional = restAt === -1 ? params : params.slice(0, restAt);
  const required = lastRequired(positional) + 1;
  if (args.length < required) {
    const missing = positional[args.length]!;
    const expected = missing.type === null ? 'an argument' : describeType(missing.type);
    throw new ArgumentTypeError(name, missing.name, expected, `nothing (${plural(args.length, 'argument')} for ${describeParams(params)})`);
  }
  if (restAt === -1 && args.length > params.length) {
    throw new ArgumentTypeError(name, 'arguments', `at most ${plural(params.length, 'argument')} ${describeParams(params)}`, plural(args.length, 'argument'));
  }
  const checked = Math.min(args.length, positional.length);
  for (let i = 0; i < checked; i++) {
    const param = positional[i]!;
    const arg = args[i];
    if (param.type === null || (param.optional && arg === undefined)) continue;
    const found = checkValue(param.type, arg);
    if (found !== undefined) throw toError(name, param, found);
  }
  if (restAt !== -1) {
    const rest = params[restAt]!;
    if (rest.type === null) return;
    const found = checkValue(rest.type, args.slice(restAt));
    if (found !== undefined) throw toError(name, rest, found);
  }
}

function lastRequired(params: readonly ParamSignature[]): number {
  for (let i = params.length - 1; i >= 0; i--) if (!params[i]!.optional) return i;
  return -1;
}

function toError(functionName: string, param: ParamSignature, found: Mismatch): ArgumentTypeError {
  const path = param.name + found.segments.reverse().join('');
  const expected = found.expectedText ?? describeType(found.expected);
  const given = found.missing === true ? 'undefined (missing)' : describeValue(found.value);
  return new ArgumentTypeError(functionName, path, expected, given);
}

function describeParams(params: readonly ParamSignature[]): string {
  return `(${params.map((p) => `${p.rest ? '...' : ''}${p.name}${p.optional ? '?' : ''}`).join(', ')})`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

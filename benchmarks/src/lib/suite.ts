import type { ParseArgsConfig } from 'node:util';

/** Flags of a suite, in `node:util` `parseArgs` form. */
export type SuiteOptions = NonNullable<ParseArgsConfig['options']>;

/** Parsed flag values: strings and booleans as `parseArgs` returns them. */
export type SuiteValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** One benchmark suite, run by `run.js <name>`. */
export interface Suite {
  readonly name: string;
  /** One line for the suite list. */
  readonly description: string;
  readonly options: SuiteOptions;
  /** Help text for the flags, one line each. */
  readonly usage: readonly string[];
  /** Runs the suite; resolves once its results file is written and its children are gone. */
  run(values: SuiteValues): Promise<void>;
}

/** A usage error: the runner prints it and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Reads a flag as an integer >= `min`; throws {@link UsageError} otherwise. */
export function intFlag(values: SuiteValues, name: string, min = 1): number {
  const raw = values[name];
  const value = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isInteger(value) || value < min) {
    throw new UsageError(`--${name} must be an integer >= ${min}, got ${String(raw)}`);
  }
  return value;
}

/** Reads a flag that must be one of `choices`. */
export function choiceFlag<T extends string>(values: SuiteValues, name: string, choices: readonly T[]): T {
  const raw = values[name];
  if (typeof raw !== 'string' || !(choices as readonly string[]).includes(raw)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got ${String(raw)}`);
  }
  return raw as T;
}

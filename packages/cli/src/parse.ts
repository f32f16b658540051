import { InvalidArgumentError } from 'commander';

/** A commander argument parser for a positive integer; names `flag` in its error. */
export function positiveInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!(Number.isInteger(n) && n > 0)) throw new InvalidArgumentError(`${flag} must be a positive integer, got "${value}"`);
    return n;
  };
}

/** A commander argument parser for a finite number in `[min, max]`. */
export function numberIn(flag: string, min: number, max = Infinity): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${flag} must be a number${max === Infinity ? ` ≥ ${min}` : ` in ${min}..${max}`}, got "${value}"`);
    }
    return n;
  };
}

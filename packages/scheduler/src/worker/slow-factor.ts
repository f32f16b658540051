import { InvalidArgumentError } from '@armada/actors';

/** Checks a slow factor: a finite number of at least 1. Throws `InvalidArgumentError` otherwise. */
export function checkSlowFactor(slowFactor: number): number {
  if (typeof slowFactor !== 'number' || !Number.isFinite(slowFactor) || slowFactor < 1) {
    throw new InvalidArgumentError(`slowFactor must be a finite number of at least 1, got ${String(slowFactor)}`);
  }
  return slowFactor;
}

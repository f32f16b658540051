import { InvalidArgumentError } from '@armada/actors';

/**
 * Runs `fn` on every input in this thread, one after another, and resolves with the results in
 * order. The sequential baseline of `pmap` and `dmap`; async functions are awaited one at a time.
 */
export async function map<T, R>(fn: (input: T) => R | Promise<R>, inputs: Iterable<T>): Promise<Awaited<R>[]> {
  if (typeof fn !== 'function') throw new InvalidArgumentError('map needs a function');
  const out: Awaited<R>[] = [];
  for (const input of inputs) {
    const value = fn(input);
    out.push(isThenable(value) ? await value : (value as Awaited<R>));
  }
  return out;
}

function isThenable<R>(value: R | Promise<R>): value is Promise<R> {
  return typeof (value as { then?: unknown })?.then === 'function';
}

/**
 * A value shared with `share`: jobs take the handle in place of the value, and a machine swaps
 * it for its cached copy (fetched once per machine by content hash) before user code runs. A
 * plain object, so it crosses the wire as any argument does.
 */
export interface SharedHandle<T = unknown> {
  /** Content hash of the value's CBOR encoding. */
  readonly armadaShared: string;
  /** Size of that encoding in bytes. */
  readonly bytes: number;
  /** Where machines read it: `jetstream` (the object store), else from the master. */
  readonly store?: 'jetstream' | 'master';
  /** Compile-time only: the type of the value. */
  readonly __value?: T;
}

/** True for a {@link SharedHandle} (a plain object whose `armadaShared` is a string). */
export function isSharedHandle(value: unknown): value is SharedHandle {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { armadaShared?: unknown }).armadaShared === 'string' &&
    typeof (value as { bytes?: unknown }).bytes === 'number' &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

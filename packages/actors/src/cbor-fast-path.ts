/**
 * A faster encoder for the shape the actor core sends most: an array of small non-negative
 * integers, ASCII strings, `null`, booleans and plain `Uint8Array`s (an ask envelope or a reply
 * whose message is bytes or a primitive). cbor-x spends a few hundred nanoseconds per call on
 * such values, most of it looking a `Uint8Array` up among its extension classes.
 *
 * Guarantee: the bytes are exactly those cbor-x writes for the same value (a property test checks
 * it), so decoding is unchanged; anything else yields `undefined` and goes to cbor-x.
 */

/** The most array items, string characters or bytes taken; past that cbor-x is no slower. */
const MAX_ITEMS = 23;
const MAX_LENGTH = 0xffff;
/** CBOR tag 64: a `Uint8Array`, as cbor-x tags it. */
const UINT8_TAG = [0xd8, 0x40] as const;

/** The CBOR encoding of `value` when it has the simple shape, else `undefined`. */
export function encodeSimpleArray(value: unknown): Uint8Array | undefined {
  if (!Array.isArray(value) || value.length > MAX_ITEMS) return undefined;
  let size = 1;
  for (let i = 0; i < value.length; i++) {
    const itemSize = sizeOf(value[i], i);
    if (itemSize < 0) return undefined;
    size += itemSize;
  }
  const out = allocate(size);
  out[0] = 0x80 | value.length;
  let pos = 1;
  for (let i = 0; i < value.length; i++) pos = write(out, pos, value[i]);
  return out;
}

/**
 * Mid-sized outputs are cut from a shared slab, as cbor-x does: a typed array of its own per
 * message would be an off-heap allocation each time. V8 keeps typed arrays of at most 64 bytes on
 * its heap, where they are cheaper than a view of the slab. A slab is never written twice, so
 * views stay valid; it is freed once no view of it is left.
 */
const SLAB_BYTES = 16 * 1024;
const ON_HEAP_BYTES = 64;
let slab = new Uint8Array(SLAB_BYTES);
let slabUsed = 0;

function allocate(size: number): Uint8Array {
  if (size <= ON_HEAP_BYTES || size > SLAB_BYTES / 8) return new Uint8Array(size);
  if (slabUsed + size > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = slab.subarray(slabUsed, slabUsed + size);
  slabUsed += size;
  return out;
}

/** Bytes of the head of a major type with argument `n` (n ≤ 0xffff, or any length for byte strings). */
function headSize(n: number): number {
  return n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
}

/**
 * The ASCII string last seen at each array position: envelopes repeat the target path and this
 * node's id, which need not be scanned again.
 */
const lastAscii: (string | undefined)[] = new Array(MAX_ITEMS).fill(undefined);

/** Encoded size of item `index`, or -1 when it is not simple. */
function sizeOf(item: unknown, index: number): number {
  if (item === null || item === true || item === false) return 1;
  switch (typeof item) {
    case 'number':
      return Number.isInteger(item) && item >= 0 && item <= MAX_LENGTH && !Object.is(item, -0) ? headSize(item) : -1;
    case 'string': {
      if (item !== lastAscii[index]) {
        if (item.length > MAX_LENGTH) return -1;
        for (let i = 0; i < item.length; i++) if (item.charCodeAt(i) > 0x7f) return -1;
        lastAscii[index] = item;
      }
      return headSize(item.length) + item.length;
    }
    case 'object':
      return item instanceof Uint8Array && item.constructor === Uint8Array ? UINT8_TAG.length + headSize(item.byteLength) + item.byteLength : -1;
    default:
      return -1;
  }
}

function writeHead(out: Uint8Array, pos: number, major: number, n: number): number {
  if (n < 24) {
    out[pos] = major | n;
    return pos + 1;
  }
  if (n < 0x100) {
    out[pos] = major | 24;
    out[pos + 1] = n;
    return pos + 2;
  }
  if (n < 0x10000) {
    out[pos] = major | 25;
    out[pos + 1] = n >> 8;
    out[pos + 2] = n & 0xff;
    return pos + 3;
  }
  out[pos] = major | 26;
  out[pos + 1] = (n >>> 24) & 0xff;
  out[pos + 2] = (n >>> 16) & 0xff;
  out[pos + 3] = (n >>> 8) & 0xff;
  out[pos + 4] = n & 0xff;
  return pos + 5;
}

function write(out: Uint8Array, pos: number, item: unknown): number {
  if (item === null) {
    out[pos] = 0xf6;
    return pos + 1;
  }
  if (item === true || item === false) {
    out[pos] = item ? 0xf5 : 0xf4;
    return pos + 1;
  }
  if (typeof item === 'number') return writeHead(out, pos, 0x00, item);
  if (typeof item === 'string') {
    pos = writeHead(out, pos, 0x60, item.length);
    for (let i = 0; i < item.length; i++) out[pos + i] = item.charCodeAt(i);
    return pos + item.length;
  }
  const bytes = item as Uint8Array;
  out[pos] = UINT8_TAG[0];
  out[pos + 1] = UINT8_TAG[1];
  pos = writeHead(out, pos + 2, 0x40, bytes.byteLength);
  out.set(bytes, pos);
  return pos + bytes.byteLength;
}

/**
 * The decoding twin of `cbor-fast-path.ts`: reads an array of small integers, ASCII strings,
 * `null`, booleans and tag-64 byte strings (an ask envelope or a reply whose message is bytes or
 * a primitive) without cbor-x. cbor-x spends most of its time per such message on set-up (a
 * `DataView` per input, a property added to the input) and on building strings that repeat from
 * one message to the next (the target path, the asking node).
 *
 * Guarantee: whatever it returns is what cbor-x returns for the same bytes (a property test checks
 * it); for anything else it returns {@link NOT_SIMPLE} and the caller decodes with cbor-x.
 */

/** Returned when the bytes are not a simple array; decode them with cbor-x instead. */
export const NOT_SIMPLE: unique symbol = Symbol('not simple');

const MAX_ITEMS = 23;
/** Longer strings go to cbor-x, which is no slower on them. */
const MAX_STRING = 1024;
/** CBOR tag 64 (a `Uint8Array`), as cbor-x writes it. */
const TAG_UINT8 = 0xd8;
const TAG_UINT8_NUMBER = 0x40;

/**
 * The string last decoded at each array position. Envelopes of one kind put the same strings at
 * the same positions (target path, reply node), so handing back the very same string saves
 * building it and lets `Map` lookups keyed by it reuse its cached hash.
 */
const lastStrings: (string | undefined)[] = new Array(MAX_ITEMS).fill(undefined);

let pos = 0;

/** The array in `bytes` when it has the simple shape, else {@link NOT_SIMPLE}. Never throws. */
export function decodeSimpleArray(bytes: Uint8Array): unknown[] | typeof NOT_SIMPLE {
  const end = bytes.length;
  if (end === 0) return NOT_SIMPLE;
  const head = bytes[0];
  if (head < 0x80 || head > 0x80 + MAX_ITEMS) return NOT_SIMPLE;
  const count = head - 0x80;
  const out = new Array<unknown>(count);
  pos = 1;
  for (let i = 0; i < count; i++) {
    const item = readItem(bytes, end, i);
    if (item === NOT_SIMPLE) return NOT_SIMPLE;
    out[i] = item;
  }
  return pos === end ? out : NOT_SIMPLE;
}

/** The argument of a head whose low five bits are `info`, or -1 when it is not a plain length. */
function readArgument(bytes: Uint8Array, end: number, info: number): number {
  if (info < 24) return info;
  if (info === 24) {
    if (pos + 1 > end) return -1;
    return bytes[pos++];
  }
  if (info === 25) {
    if (pos + 2 > end) return -1;
    const n = (bytes[pos] << 8) | bytes[pos + 1];
    pos += 2;
    return n;
  }
  if (info === 26) {
    if (pos + 4 > end) return -1;
    const n = bytes[pos] * 0x1000000 + ((bytes[pos + 1] << 16) | (bytes[pos + 2] << 8) | bytes[pos + 3]);
    pos += 4;
    return n;
  }
  return -1;
}

function readItem(bytes: Uint8Array, end: number, index: number): unknown {
  if (pos >= end) return NOT_SIMPLE;
  const head = bytes[pos++];
  const major = head >> 5;
  const info = head & 0x1f;
  switch (major) {
    case 0: {
      const n = readArgument(bytes, end, info);
      return n < 0 ? NOT_SIMPLE : n;
    }
    case 1: {
      const n = readArgument(bytes, end, info);
      return n < 0 ? NOT_SIMPLE : -1 - n;
    }
    case 3: {
      const length = readArgument(bytes, end, info);
      if (length < 0 || pos + length > end) return NOT_SIMPLE;
      return readAscii(bytes, length, index);
    }
    case 6: {
      if (head !== TAG_UINT8 || pos >= end || bytes[pos] !== TAG_UINT8_NUMBER) return NOT_SIMPLE;
      pos++;
      if (pos >= end || bytes[pos] >> 5 !== 2) return NOT_SIMPLE;
      const length = readArgument(bytes, end, bytes[pos++] & 0x1f);
      if (length < 0 || pos + length > end) return NOT_SIMPLE;
      // A view, not a copy, as cbor-x hands out for tag 64.
      const view = new Uint8Array(bytes.buffer, bytes.byteOffset + pos, length);
      pos += length;
      return view;
    }
    case 7:
      if (head === 0xf6) return null;
      if (head === 0xf5) return true;
      if (head === 0xf4) return false;
      return NOT_SIMPLE;
    default:
      return NOT_SIMPLE;
  }
}

/** The ASCII string of `length` bytes at `pos`, the one from last time when equal; NOT_SIMPLE for other bytes. */
function readAscii(bytes: Uint8Array, length: number, index: number): string | typeof NOT_SIMPLE {
  const start = pos;
  const last = lastStrings[index];
  if (last !== undefined && last.length === length) {
    let same = true;
    for (let i = 0; i < length; i++) {
      if (last.charCodeAt(i) !== bytes[start + i]) {
        same = false;
        break;
      }
    }
    if (same) {
      pos += length;
      return last;
    }
  }
  if (length > MAX_STRING) return NOT_SIMPLE;
  for (let i = 0; i < length; i++) if (bytes[start + i] > 0x7f) return NOT_SIMPLE;
  let value: string;
  if (length <= 16) {
    value = '';
    for (let i = 0; i < length; i++) value += String.fromCharCode(bytes[start + i]);
  } else {
    value = String.fromCharCode.apply(null, bytes.subarray(start, start + length) as unknown as number[]);
  }
  pos += length;
  lastStrings[index] = value;
  return value;
}

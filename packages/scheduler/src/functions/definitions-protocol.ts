/**
 * The protocol of a master's definition server. Packets carry function hashes only; a machine
 * that lacks what a hash names asks the server on the master's node for it. Three kinds of
 * content travel this way, each addressed by its hash:
 *
 * - `definition`: a {@link FunctionDef} (an inline source or a module export);
 * - `module`: the code of a bundled function module (ESM text with its source map inline);
 * - `shared`: a value shared with `share`, as its CBOR encoding.
 *
 * NATS core may lose an ask or its reply: the asker retries with a timeout and gives up with
 * `DefinitionUnavailableError` after a bound. Asks are idempotent, so duplicates are harmless.
 */
import type { ActorRef } from '@armada/actors';
import type { FunctionDef } from './function-def.js';

/** Where a master's definition server lives on the master's node. */
export const DEFINITIONS_PATH = '/user/armada-definitions';

/** What a {@link Fetch} asks for. */
export const ContentKind = {
  definition: 'definition',
  module: 'module',
  shared: 'shared',
} as const;
export type ContentKind = (typeof ContentKind)[keyof typeof ContentKind];

/** Asked: the content of `kind` with `hash`; the reply is a {@link FetchReply}. */
export interface Fetch {
  readonly type: 'fetch';
  readonly kind: ContentKind;
  readonly hash: string;
  /** The asking machine's name, for the server's byte counts. */
  readonly machine: string;
}

/** The server's answer: the content, or `found: false` when it holds nothing under the hash. */
export type FetchReply =
  | { readonly found: true; readonly def: FunctionDef }
  | { readonly found: true; readonly code: string; /** base64 ed25519 signature of `code`, when the master signs. */ readonly signature?: string }
  | { readonly found: true; readonly bytes: Uint8Array }
  | { readonly found: false };

export type DefinitionServerMsg = Fetch;
export type DefinitionServerRef = ActorRef<DefinitionServerMsg>;

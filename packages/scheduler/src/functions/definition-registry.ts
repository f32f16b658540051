import type { KeyObject } from 'node:crypto';
import { DefinitionStore } from './definition-store.js';
import { signModule } from './module-signing.js';
import type { FunctionDef } from './function-def.js';

/** Bytes a master's definition server sent, in total and per machine name. */
export interface EgressStats {
  /** Bytes of module code and shared values sent, in total. */
  readonly bytes: number;
  /** Of which shared values. */
  readonly sharedBytes: number;
  /** Bytes of shared values uploaded to the JetStream object store (once per value). */
  readonly uploadedBytes: number;
  /** Definitions, modules and shared values served. */
  readonly fetches: number;
  readonly byMachine: Readonly<Record<string, number>>;
}

/**
 * What a master can hand out by hash: definitions of its jobs, bundled modules and shared
 * values. Definitions are bounded (least recently used dropped; a job's definition is added
 * again on every call); modules and shared values are kept until released.
 */
export class DefinitionRegistry {
  readonly definitions = new DefinitionStore();
  private readonly modules = new Map<string, { code: string; signature?: string }>();
  /** Signs each module as it is added, once; machines that trust the public key check it. */
  signingKey: KeyObject | undefined;
  private readonly shared = new Map<string, Uint8Array>();
  private egress = { bytes: 0, sharedBytes: 0, uploadedBytes: 0, fetches: 0, byMachine: {} as Record<string, number> };

  addModule(hash: string, code: string): void {
    if (this.modules.has(hash)) return;
    this.modules.set(hash, this.signingKey === undefined ? { code } : { code, signature: signModule(code, this.signingKey) });
  }

  module(hash: string): { code: string; signature?: string } | undefined {
    return this.modules.get(hash);
  }

  addShared(hash: string, bytes: Uint8Array): void {
    this.shared.set(hash, bytes);
  }

  sharedValue(hash: string): Uint8Array | undefined {
    return this.shared.get(hash);
  }

  /** Drops a shared value; machines keep their copies until their budget evicts them. */
  releaseShared(hash: string): boolean {
    return this.shared.delete(hash);
  }

  definition(hash: string): FunctionDef | undefined {
    return this.definitions.get(hash);
  }

  /** Counts what was sent to `machine`. */
  sent(machine: string, bytes: number, shared: boolean): void {
    this.egress.fetches++;
    this.egress.bytes += bytes;
    if (shared) this.egress.sharedBytes += bytes;
    this.egress.byMachine[machine] = (this.egress.byMachine[machine] ?? 0) + bytes;
  }

  /** Counts bytes uploaded to the object store. */
  uploaded(bytes: number): void {
    this.egress.uploadedBytes += bytes;
  }

  /** A copy of the byte counts so far. */
  stats(): EgressStats {
    return { ...this.egress, byMachine: { ...this.egress.byMachine } };
  }
}

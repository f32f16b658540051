import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError } from '@armada/actors';

/** Options of a {@link ModuleCache}, merged over {@link MODULE_CACHE_DEFAULTS}. */
export interface ModuleCacheOptions {
  /** Folder the bundled modules are kept in; shared safely by machines of one host. */
  readonly dir?: string;
  /** Most bytes of modules kept; beyond it the least recently used files are deleted. */
  readonly maxBytes?: number;
}

export const MODULE_CACHE_DEFAULTS = {
  dir: path.join(os.tmpdir(), 'armada-modules'),
  maxBytes: 256 * 1024 * 1024,
} as const;

const HASH = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * Bundled function modules on disk, one file per content hash (`<hash>.mjs`, source map inline),
 * so a machine fetches a module once and its worker threads `import()` it by URL. Writes are
 * atomic (a temporary file renamed into place), so machines sharing the folder never see half a
 * module. The folder is bounded by `maxBytes`: after a write, the least recently used files go
 * (never the one just written); a module already imported by a thread keeps running, since Node
 * holds it in memory.
 */
export class ModuleCache {
  readonly dir: string;
  private readonly maxBytes: number;
  private sizes: Map<string, { bytes: number; used: number }> | undefined;

  constructor(
    options: ModuleCacheOptions = {},
    /** Told of every module this cache deletes to stay within its bound. */
    private readonly onEvict: (hash: string) => void = () => undefined,
  ) {
    this.dir = options.dir ?? MODULE_CACHE_DEFAULTS.dir;
    this.maxBytes = options.maxBytes ?? MODULE_CACHE_DEFAULTS.maxBytes;
    if (!(this.maxBytes > 0)) throw new InvalidArgumentError(`module cache maxBytes must be positive, got ${this.maxBytes}`);
  }

  /** The `file:` URL of the cached module `hash`, or undefined when it is not on disk. */
  async get(hash: string): Promise<string | undefined> {
    const file = this.file(hash);
    const index = await this.index();
    const known = index.get(hash);
    // Written or seen by this process: no disk access on the hot path (a job per call).
    if (known !== undefined) {
      known.used = Date.now();
      return pathToFileURL(file).href;
    }
    try {
      await stat(file);
    } catch {
      return undefined;
    }
    const now = new Date();
    await utimes(file, now, now).catch(() => undefined);
    index.set(hash, { bytes: (await stat(file).catch(() => ({ size: 0 }))).size, used: now.getTime() });
    return pathToFileURL(file).href;
  }

  /** Writes module `hash` and returns its `file:` URL; then trims the folder to its bound. */
  async put(hash: string, code: string): Promise<string> {
    const file = this.file(hash);
    await mkdir(this.dir, { recursive: true });
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temp, code);
    await rename(temp, file);
    const index = await this.index();
    index.set(hash, { bytes: Buffer.byteLength(code), used: Date.now() });
    await this.trim(hash);
    return pathToFileURL(file).href;
  }

  private file(hash: string): string {
    if (!HASH.test(hash)) throw new InvalidArgumentError(`not a module hash: ${hash}`);
    return path.join(this.dir, `${hash}.mjs`);
  }

  private async index(): Promise<Map<string, { bytes: number; used: number }>> {
    if (this.sizes !== undefined) return this.sizes;
    const sizes = new Map<string, { bytes: number; used: number }>();
    let names: string[] = [];
    try {
      names = await readdir(this.dir);
    } catch {
      // No folder yet: nothing cached.
    }
    for (const name of names) {
      if (!name.endsWith('.mjs')) continue;
      try {
        const s = await stat(path.join(this.dir, name));
        sizes.set(name.slice(0, -4), { bytes: s.size, used: s.mtimeMs });
      } catch {
        // Deleted meanwhile by another machine sharing the folder.
      }
    }
    return (this.sizes ??= sizes);
  }

  private async trim(keep: string): Promise<void> {
    const index = await this.index();
    let total = 0;
    for (const { bytes } of index.values()) total += bytes;
    const oldest = [...index].sort((a, b) => a[1].used - b[1].used);
    for (const [hash, { bytes }] of oldest) {
      if (total <= this.maxBytes) break;
      if (hash === keep) continue;
      index.delete(hash);
      this.onEvict(hash);
      total -= bytes;
      await unlink(this.file(hash)).catch(() => undefined);
    }
  }
}

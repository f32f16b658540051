import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build, type BuildFailure } from 'esbuild';
import { BundleError } from '../errors.js';

/** A function file bundled into one ESM module. */
export interface BundledModule {
  /** The user's file, absolute. */
  readonly file: string;
  /** sha256 of `code`, base64url: a changed file (or a changed import of it) gives a new hash. */
  readonly hash: string;
  /** The ESM code with its source map inline; the map names the user's files by absolute path. */
  readonly code: string;
  /** Names of the module's exports. */
  readonly exports: readonly string[];
  /** The text of the user's file, for reading its signatures. */
  readonly source: string;
}

const SOURCE_MAP_COMMENT = /\/\/# sourceMappingURL=\S*\s*$/;

/**
 * Bundles `file` (`.ts`, `.js`, `.mjs`) with everything it imports except Node's built-in
 * modules into one ESM module with esbuild, with a source map so stacks point at the user's
 * files and lines. Throws `BundleError` carrying esbuild's messages when the file does not
 * bundle (a syntax error, an import that does not resolve, a missing file).
 */
export async function bundleModule(file: string): Promise<BundledModule> {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  // The output is never written: its name only anchors the map's relative source paths.
  const outfile = path.join(dir, '__armada_bundle.mjs');
  let result;
  try {
    result = await build({
      entryPoints: [abs],
      absWorkingDir: dir,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      sourcemap: 'external',
      outfile,
      metafile: true,
      logLevel: 'silent',
    });
  } catch (error) {
    const failure = error as Partial<BuildFailure>;
    const message = failure.errors?.length
      ? failure.errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}` : e.text)).join('\n')
      : (error as Error).message;
    throw new BundleError(abs, message, error);
  }
  const js = result.outputFiles.find((f) => f.path.endsWith('.mjs'));
  const mapFile = result.outputFiles.find((f) => f.path.endsWith('.map'));
  if (js === undefined || mapFile === undefined) throw new BundleError(abs, 'esbuild produced no output');
  const map = JSON.parse(mapFile.text) as { sources: string[] };
  map.sources = map.sources.map((s) => path.resolve(dir, s));
  const code = `${js.text.replace(SOURCE_MAP_COMMENT, '')}//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  return {
    file: abs,
    hash: createHash('sha256').update(code).digest('base64url'),
    code,
    exports: output?.exports ?? [],
    source: await readFile(abs, 'utf8'),
  };
}

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { CommandFailedError, UsageError } from '../errors.js';
import { projectFiles } from '../init/templates.js';
import type { ProgramIo } from '../program.js';

interface InitFlags {
  readonly armada?: string;
  readonly install: boolean;
  readonly force?: boolean;
}

/** The packages a project gets, in dependency order. */
const PACKAGES = ['actors', 'transport-nats', 'scheduler', 'cli'] as const;

/** The clone this command runs from: `packages/cli/dist/src/commands/` is four levels below `packages/`. */
const OWN_CLONE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');

/**
 * `armada init DIR`: a new ESM TypeScript project that uses Armada — a sample actor with an
 * injected service, a sample `dmap`, a `node:test` test, a tsconfig with decorators — whose
 * dependencies on Armada are tarballs packed from a clone (`--armada`, default the clone this
 * command runs from) into `DIR/vendor`. Runs `npm install` (prefer-offline) unless
 * `--no-install`. Refuses a non-empty DIR unless `--force`.
 */
export function initCommand(io: ProgramIo, parent: Command): Command {
  return new Command('init')
    .copyInheritedSettings(parent)
    .description('Create a project that uses Armada: ESM, TypeScript with decorators, a sample actor and dmap, a test.')
    .argument('<dir>', 'where to create it (new or empty)')
    .option('--armada <clone>', 'the Armada clone whose packages it uses (default: the one this command runs from)')
    .option('--no-install', 'write the files and tarballs, skip npm install')
    .option('--force', 'write into a non-empty directory')
    .action((dir: string, flags: InitFlags) => init(io, dir, flags));
}

async function init(io: ProgramIo, dir: string, flags: InitFlags): Promise<void> {
  const target = resolve(dir);
  const name = basename(target).toLowerCase().replace(/[^a-z0-9-._]/g, '-');
  if (existsSync(target) && readdirSync(target).length > 0 && !flags.force) throw new UsageError(`${dir} is not empty; pass --force to write into it`);
  const clone = resolve(flags.armada ?? OWN_CLONE);
  for (const p of PACKAGES) {
    if (!existsSync(join(clone, 'packages', p, 'package.json'))) {
      throw new UsageError(`${clone} is not an Armada clone (no packages/${p}); pass --armada <path of a clone>`);
    }
    if (!existsSync(join(clone, 'packages', p, 'dist', 'src', 'index.js'))) {
      throw new CommandFailedError(`packages/${p} of ${clone} is not built; run npm ci && npm run build there first`, { code: 'ERR_NOT_BUILT' });
    }
  }
  const vendor = join(target, 'vendor');
  mkdirSync(vendor, { recursive: true });
  const packed = await npm(['pack', ...PACKAGES.map((p) => join(clone, 'packages', p)), '--pack-destination', vendor, '--json', '--loglevel=error'], target);
  const tarballs = JSON.parse(packed) as Array<{ name: string; filename: string }>;
  const deps = Object.fromEntries(tarballs.map((t) => [t.name, `file:vendor/${basename(t.filename)}`]));
  for (const [path, text] of Object.entries(projectFiles(name, deps, clone))) {
    mkdirSync(dirname(join(target, path)), { recursive: true });
    writeFileSync(join(target, path), text);
  }
  io.stderr(`created ${dir}: package.json, tsconfig.json, src/, test/, vendor/ (${tarballs.length} Armada tarballs)\n`);
  if (flags.install) {
    io.stderr('running npm install ...\n');
    await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], target);
  }
  io.stdout(`next:\n  cd ${dir}\n${flags.install ? '' : '  npm install\n'}  npm start     # runs src/main.ts\n  npm test\n`);
}

/** Runs npm in `cwd` and resolves with its stdout; fails with its stderr. */
function npm(args: string[], cwd: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.once('error', (error) => fail(new CommandFailedError(`cannot run npm: ${error.message}`, { cause: error })));
    child.once('close', (code) => (code === 0 ? done(out) : fail(new CommandFailedError(`npm ${args[0]} failed (exit ${code}):\n${err.trim()}`, { code: 'ERR_NPM' }))));
  });
}

import { generateKeyPairSync } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { CommandFailedError } from '../errors.js';
import type { ProgramIo } from '../program.js';

interface KeygenFlags {
  readonly out: string;
  readonly force?: boolean;
}

/**
 * `armada keygen`: a new ed25519 key pair from `node:crypto`. Writes `<out>.key` (PKCS#8 PEM,
 * mode 0600: the signing key, for masters) and `<out>.pub` (SPKI PEM: the key machines trust),
 * refusing to overwrite either unless `--force`. Prints the public key.
 */
export function keygenCommand(io: ProgramIo, parent: Command): Command {
  return new Command('keygen')
    .copyInheritedSettings(parent)
    .description('Create an ed25519 key pair for signing the code a cluster runs.')
    .option('--out <path>', 'write <path>.key (private) and <path>.pub (public)', 'armada')
    .option('--force', 'overwrite existing files')
    .action((flags: KeygenFlags) => {
      const files = { key: `${flags.out}.key`, pub: `${flags.out}.pub` };
      for (const file of Object.values(files)) {
        if (!flags.force && existsSync(file)) throw new CommandFailedError(`${file} exists; pass --force to overwrite it`, { code: 'ERR_EXISTS' });
      }
      const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      });
      try {
        writeFileSync(files.key, privateKey, { mode: 0o600 });
        writeFileSync(files.pub, publicKey, { mode: 0o644 });
      } catch (error) {
        throw new CommandFailedError(`cannot write the key pair: ${(error as Error).message}`, { code: 'ERR_FILE', cause: error });
      }
      io.stdout(`private key: ${files.key} (keep it secret; masters sign with it)\npublic key:  ${files.pub} (machines trust it)\n${publicKey}`);
    });
}

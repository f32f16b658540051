import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@armada/actors';

/** A key given as a `KeyObject` or as PEM text (what `armada keygen` writes). */
export type KeyInput = string | KeyObject;

/**
 * The ed25519 private key a master signs modules with: `key` (PEM text or a `KeyObject`), else
 * the file named by `ARMADA_SIGNING_KEY`, else none. Throws `InvalidArgumentError` for a key that
 * is not an ed25519 private key or a file that cannot be read, so a typo never means "unsigned".
 */
export function signingKeyFrom(key: KeyInput | undefined, env: NodeJS.ProcessEnv = process.env): KeyObject | undefined {
  if (key !== undefined) return privateKey(key, 'signingKey');
  const file = env.ARMADA_SIGNING_KEY;
  if (file === undefined || file.trim() === '') return undefined;
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new InvalidArgumentError(`ARMADA_SIGNING_KEY names ${file}, which cannot be read: ${(cause as Error).message}`);
  }
  return privateKey(pem, `ARMADA_SIGNING_KEY (${file})`);
}

/** The ed25519 public key a trusting machine checks modules with. Throws `InvalidArgumentError` otherwise. */
export function trustedKeyFrom(key: KeyInput): KeyObject {
  let k: KeyObject;
  try {
    k = typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  } catch (cause) {
    throw new InvalidArgumentError(`trust: not a public key (PEM): ${(cause as Error).message}`);
  }
  if (k.asymmetricKeyType !== 'ed25519') throw new InvalidArgumentError(`trust: an ed25519 public key is needed, got ${String(k.asymmetricKeyType)}`);
  return k;
}

function privateKey(key: KeyInput, what: string): KeyObject {
  let k: KeyObject;
  try {
    k = typeof key === 'string' ? createPrivateKey(key) : key;
  } catch (cause) {
    throw new InvalidArgumentError(`${what}: not a private key (PEM): ${(cause as Error).message}`);
  }
  if (k.type !== 'private' || k.asymmetricKeyType !== 'ed25519') throw new InvalidArgumentError(`${what}: an ed25519 private key is needed`);
  return k;
}

/** The base64 ed25519 signature of a module's code (its UTF-8 bytes). */
export function signModule(code: string, key: KeyObject): string {
  return sign(null, Buffer.from(code, 'utf8'), key).toString('base64');
}

/** Whether `signature` (base64) is `key`'s signature of `code`. Never throws. */
export function verifyModule(code: string, signature: string | undefined, key: KeyObject): boolean {
  if (signature === undefined) return false;
  try {
    return verify(null, Buffer.from(code, 'utf8'), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

import type { Authenticator } from '@nats-io/transport-node';
import { CommandFailedError } from './errors.js';

/** A user nkey seed: `SU` and 56 base32 characters. */
const USER_SEED = /^SU[A-Z2-7]{56}$/;

/**
 * The NATS authenticator for the contents of a `--creds` file: a credentials file (`nsc`'s
 * `.creds`: a user JWT and its nkey seed, for servers in operator/JWT mode) or a bare user nkey
 * seed (`SU…`, for servers listing `{ nkey: U… }` users). The file is checked here, before any
 * connection, so a bad one fails with `CommandFailedError` (`ERR_CREDS`) naming the file rather
 * than as an opaque connect error.
 */
export async function credsAuthenticatorFor(bytes: Uint8Array, path: string): Promise<Authenticator> {
  const { credsAuthenticator, nkeyAuthenticator } = await import('@nats-io/transport-node');
  const text = new TextDecoder().decode(bytes);
  const bad = (why: string, cause?: unknown) =>
    new CommandFailedError(`--creds: ${path} is ${why}; give a NATS credentials file (user JWT and nkey seed) or a user nkey seed (SU…)`, { code: 'ERR_CREDS', cause });
  let authenticator: Authenticator;
  if (text.includes('-----BEGIN NATS USER JWT-----')) authenticator = credsAuthenticator(bytes);
  else if (USER_SEED.test(text.trim())) authenticator = nkeyAuthenticator(new TextEncoder().encode(text.trim()));
  else throw bad('neither a credentials file nor a user nkey seed');
  try {
    // Signing a nonce parses the JWT and the seed: the same work the client does on connect.
    authenticator('armada-check');
  } catch (error) {
    throw bad(`not usable (${(error as Error).message})`, error);
  }
  return authenticator;
}

import { createHash } from 'node:crypto';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';

/**
 * NATS decentralised auth for tests, as `nsc` would set it up: an operator, one account signed by
 * it, users signed by the account. JWTs are encoded by hand (NATS JWT v2: ed25519-nkey signatures
 * over `header.payload`), so no extra tool is needed.
 */
export interface OperatorSetup {
  /** nats-server config lines: the operator JWT and the account JWT in a memory resolver. */
  readonly serverConfig: string;
  /** A `.creds` file of a new user of the account. */
  userCreds(name: string): string;
  /** A `.creds` file of a user signed by an account the server does not know. */
  strangerCreds(name: string): string;
}

const b64url = (data: string | Uint8Array) => Buffer.from(data).toString('base64url');

function encode(issuer: KeyPair, subject: string, name: string, nats: Record<string, unknown>): string {
  const claims: Record<string, unknown> = { iat: Math.floor(Date.now() / 1000), iss: issuer.getPublicKey(), name, sub: subject, nats: { ...nats, version: 2 } };
  claims.jti = createHash('sha256').update(JSON.stringify(claims)).digest('base64url');
  const signed = `${b64url(JSON.stringify({ typ: 'JWT', alg: 'ed25519-nkey' }))}.${b64url(JSON.stringify(claims))}`;
  return `${signed}.${b64url(issuer.sign(new TextEncoder().encode(signed)))}`;
}

const NO_LIMITS = { subs: -1, data: -1, payload: -1 };
const ACCOUNT = {
  type: 'account',
  limits: { ...NO_LIMITS, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1, mem_storage: 0, disk_storage: 0, streams: 0, consumer: 0 },
  default_permissions: { pub: {}, sub: {} },
};

function creds(account: KeyPair, name: string): string {
  const user = createUser();
  const jwt = encode(account, user.getPublicKey(), name, { type: 'user', pub: {}, sub: {}, ...NO_LIMITS });
  const seed = new TextDecoder().decode(user.getSeed());
  return `-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n`;
}

export function operatorSetup(): OperatorSetup {
  const operator = createOperator();
  const account = createAccount();
  const stranger = createAccount();
  const operatorJwt = encode(operator, operator.getPublicKey(), 'armada-test', { type: 'operator' });
  const accountJwt = encode(operator, account.getPublicKey(), 'fleet', ACCOUNT);
  return {
    serverConfig: `operator: ${operatorJwt}\nresolver: MEMORY\nresolver_preload: {\n  ${account.getPublicKey()}: ${accountJwt}\n}\n`,
    userCreds: (name) => creds(account, name),
    strangerCreds: (name) => creds(stranger, name),
  };
}

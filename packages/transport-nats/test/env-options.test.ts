import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@armada/actors';
import { NatsCredentialsError, natsOptionsFromEnv } from '../src/index.js';

describe('natsOptionsFromEnv', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'armada-env-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is undefined without ARMADA_NATS_URL (or with a blank one)', async () => {
    expect(await natsOptionsFromEnv({})).to.equal(undefined);
    expect(await natsOptionsFromEnv({ ARMADA_NATS_URL: ' ', ARMADA_TOKEN: 't' })).to.equal(undefined);
    // The other variables are not read then: a stray bad one does not fail an embedded cluster.
    expect(await natsOptionsFromEnv({ ARMADA_CONNECT_TIMEOUT_MS: 'soon', ARMADA_USER: 'u' })).to.equal(undefined);
  });

  it('reads servers, token, cluster, prefix and connect timeout; empty variables count as unset', async () => {
    const options = await natsOptionsFromEnv({
      ARMADA_NATS_URL: 'nats://127.0.0.1:1, nats://127.0.0.1:2',
      ARMADA_TOKEN: 's3cret',
      ARMADA_CLUSTER: 'blue',
      ARMADA_PREFIX: 'acme',
      ARMADA_CONNECT_TIMEOUT_MS: '2500',
      ARMADA_USER: '',
    });
    expect(options).to.deep.equal({
      servers: ['nats://127.0.0.1:1', 'nats://127.0.0.1:2'],
      connection: { token: 's3cret', timeout: 2500 },
      cluster: 'blue',
      prefix: 'acme',
    });
    const user = await natsOptionsFromEnv({ ARMADA_NATS_URL: 'nats://127.0.0.1:1', ARMADA_USER: 'u', ARMADA_PASSWORD: 'p' });
    expect(user?.connection).to.deep.equal({ user: 'u', pass: 'p' });
  });

  it('rejects settings that contradict each other or do not parse, naming the variables', async () => {
    const url = { ARMADA_NATS_URL: 'nats://127.0.0.1:1' };
    const cases: Array<[NodeJS.ProcessEnv, RegExp]> = [
      [{ ...url, ARMADA_USER: 'u' }, /ARMADA_USER and ARMADA_PASSWORD go together/],
      [{ ...url, ARMADA_TOKEN: 't', ARMADA_USER: 'u', ARMADA_PASSWORD: 'p' }, /only one of ARMADA_TOKEN/],
      [{ ...url, ARMADA_TLS_CERT: 'c.pem' }, /ARMADA_TLS_CERT and ARMADA_TLS_KEY go together/],
      [{ ...url, ARMADA_CONNECT_TIMEOUT_MS: 'soon' }, /ARMADA_CONNECT_TIMEOUT_MS must be a positive whole number/],
    ];
    for (const [env, message] of cases) {
      const error = await natsOptionsFromEnv(env).catch((e: unknown) => e);
      expect(error, message.source).to.be.instanceOf(InvalidArgumentError);
      expect((error as Error).message).to.match(message);
    }
  });

  it('names a credentials or TLS file it cannot read or use', async () => {
    const missing = await natsOptionsFromEnv({ ARMADA_NATS_URL: 'nats://127.0.0.1:1', ARMADA_CREDS: join(dir, 'nope.creds') }).catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(NatsCredentialsError).and.have.property('code', 'ERR_CREDS');
    expect((missing as Error).message).to.match(/^ARMADA_CREDS: cannot read .*nope\.creds/);
    const junk = join(dir, 'junk.creds');
    writeFileSync(junk, 'not a credential');
    const bad = await natsOptionsFromEnv({ ARMADA_NATS_URL: 'nats://127.0.0.1:1', ARMADA_CREDS: junk }).catch((e: unknown) => e);
    expect((bad as Error).message).to.match(/^ARMADA_CREDS: .*junk\.creds is neither a credentials file nor a user nkey seed/);
    const ca = await natsOptionsFromEnv({ ARMADA_NATS_URL: 'nats://127.0.0.1:1', ARMADA_TLS_CA: join(dir, 'ca.pem') }).catch((e: unknown) => e);
    expect(ca).to.be.instanceOf(NatsCredentialsError);
    expect((ca as Error).message).to.match(/^ARMADA_TLS_CA: cannot read/);
  });
});

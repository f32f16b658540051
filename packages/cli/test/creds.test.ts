import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser } from '@nats-io/nkeys';
import { freePort, startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import { runArmada, startArmadaMachine, type ArmadaMachine } from './helpers.js';
import { operatorSetup } from './nats-jwt.js';

describe('armada --creds', function () {
  this.timeout(60_000);
  let dir: string;
  const started: ArmadaMachine[] = [];
  before(() => (dir = mkdtempSync(join(tmpdir(), 'armada-creds-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => void (await Promise.all(started.splice(0).map((m) => m.kill()))));

  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };

  describe('against a server in operator (JWT) mode', () => {
    let server: NatsServerHandle;
    const setup = operatorSetup();
    before(async () => {
      const conf = file('operator.conf', setup.serverConfig);
      server = await startNatsServer({ port: await freePort(), args: ['-c', conf] });
    });
    after(() => server?.stop());

    it('lets a machine with a user .creds file of the account join, and armada status see it', async () => {
      const creds = file('m1.creds', setup.userCreds('m1'));
      const m = await startArmadaMachine(server.url, ['--name', 'jwt-m1', '--agents', '1', '--creds', creds]);
      started.push(m);
      const status = await runArmada(['status', '--nats', server.url, '--json', '--expect', '1', '--wait', '10000'], { env: { ARMADA_CREDS: file('status.creds', setup.userCreds('status')) } });
      expect(status.code, status.stderr).to.equal(0);
      expect((JSON.parse(status.stdout) as { machines: Array<{ name: string }> }).machines.map((x) => x.name)).to.deep.equal(['jwt-m1']);
    });

    it('refuses, with exit 1 and the reason, no credentials and a user of an account the server does not know', async () => {
      const stranger = file('stranger.creds', setup.strangerCreds('x'));
      for (const args of [[], ['--creds', stranger]]) {
        const run = await runArmada(['machine', '--nats', server.url, '--agents', '1', ...args]);
        expect(run.code, args.join(' ')).to.equal(1);
        expect(run.stderr, args.join(' ')).to.include('rejected the credentials');
      }
    });
  });

  describe('against a server with nkey users', () => {
    let server: NatsServerHandle;
    const user = createUser();
    before(async () => {
      const conf = file('nkey.conf', `authorization {\n  users = [ { nkey: ${user.getPublicKey()} } ]\n}\n`);
      server = await startNatsServer({ port: await freePort(), args: ['-c', conf] });
    });
    after(() => server?.stop());

    it('joins with the user seed as --creds, and is refused with another seed', async () => {
      const seed = file('user.nk', new TextDecoder().decode(user.getSeed()) + '\n');
      const m = await startArmadaMachine(server.url, ['--name', 'nk-m1', '--agents', '1', '--creds', seed]);
      started.push(m);
      const other = file('other.nk', new TextDecoder().decode(createUser().getSeed()));
      const run = await runArmada(['machine', '--nats', server.url, '--agents', '1', '--creds', other]);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include('rejected the credentials');
    });
  });

  it('fails before connecting on a file that is neither, naming it', async () => {
    const junk = file('junk.creds', 'not a credentials file\n');
    const run = await runArmada(['machine', '--nats', 'nats://127.0.0.1:1', '--agents', '1', '--creds', junk]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include(`--creds: ${junk} is neither a credentials file nor a user nkey seed`);
    expect(run.stderr).to.not.include('connection refused');
    const missing = await runArmada(['machine', '--nats', 'nats://127.0.0.1:1', '--agents', '1', '--creds', join(dir, 'absent.creds')]);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.include('--creds: cannot read');
  });
});

import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import { runArmada, startArmadaMachine } from './helpers.js';

const exec = promisify(execFile);

/** A CA, a server certificate for 127.0.0.1 (and localhost, the name the NATS client checks for an IP) and a client certificate. */
async function certificates(dir: string): Promise<Record<'ca' | 'serverCert' | 'serverKey' | 'clientCert' | 'clientKey', string>> {
  const f = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await exec('openssl', ['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=armada test CA']);
  writeFileSync(f('san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  for (const [who, cn, ext] of [['server', '127.0.0.1', ['-extfile', f('san.cnf')]], ['client', 'machine', []]] as const) {
    await exec('openssl', ['req', ...ec, '-keyout', f(`${who}.key`), '-out', f(`${who}.csr`), '-subj', `/CN=${cn}`]);
    await exec('openssl', ['x509', '-req', '-in', f(`${who}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f(`${who}.pem`), '-days', '2', ...ext]);
  }
  return { ca: f('ca.pem'), serverCert: f('server.pem'), serverKey: f('server.key'), clientCert: f('client.pem'), clientKey: f('client.key') };
}

describe('armada machine over TLS', function () {
  this.timeout(60_000);
  let dir: string;
  let server: NatsServerHandle;
  let certs: Awaited<ReturnType<typeof certificates>>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'armada-tls-'));
    certs = await certificates(dir);
    server = await startNatsServer({ args: ['--tlsverify', '--tlscacert', certs.ca, '--tlscert', certs.serverCert, '--tlskey', certs.serverKey] });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('joins with the CA and a client certificate', async () => {
    const m = await startArmadaMachine(server.url, ['--agents', '1', '--tls-ca', certs.ca, '--tls-cert', certs.clientCert, '--tls-key', certs.clientKey]);
    await m.kill();
  });

  it('refuses a server it cannot verify, and says why', async () => {
    const run = await runArmada(['machine', '--nats', server.url, '--agents', '1', '--connect-timeout', '3000']);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('unable to verify the first certificate');
  });

  it('fails within the timeout without the client certificate the server wants, and hints at it', async () => {
    const run = await runArmada(['machine', '--nats', server.url, '--agents', '1', '--tls-ca', certs.ca, '--connect-timeout', '1500']);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('cannot start the machine');
    expect(run.stderr).to.include('client certificate');
  });

  it('says which file it cannot read', async () => {
    const run = await runArmada(['machine', '--nats', server.url, '--agents', '1', '--tls-ca', join(dir, 'missing.pem')]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include(`--tls-ca: cannot read ${join(dir, 'missing.pem')}`);
    // Each file is checked: the client certificate too when the CA reads, and the key.
    const cert = await runArmada(['machine', '--nats', server.url, '--agents', '1', '--tls-ca', certs.ca, '--tls-cert', join(dir, 'nope.pem'), '--tls-key', certs.clientKey]);
    expect(cert.code).to.equal(1);
    expect(cert.stderr).to.include(`--tls-cert: cannot read ${join(dir, 'nope.pem')}`);
    const key = await runArmada(['machine', '--nats', server.url, '--agents', '1', '--tls-cert', certs.clientCert, '--tls-key', join(dir, 'nope.key')]);
    expect(key.code).to.equal(1);
    expect(key.stderr).to.include(`--tls-key: cannot read ${join(dir, 'nope.key')}`);
  });
});

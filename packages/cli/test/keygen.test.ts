import { expect } from 'chai';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess } from './helpers.js';

describe('armada keygen', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'armada-keygen-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a matching ed25519 pair, the private key readable by its owner only', async () => {
    const out = join(dir, 'fleet');
    const { code, stdout } = await runInProcess(['keygen', '--out', out]);
    expect(code).to.equal(0);
    expect(stdout).to.include('BEGIN PUBLIC KEY');
    const privateKey = createPrivateKey(readFileSync(`${out}.key`));
    const publicKey = createPublicKey(readFileSync(`${out}.pub`));
    expect(privateKey.asymmetricKeyType).to.equal('ed25519');
    expect(statSync(`${out}.key`).mode & 0o077).to.equal(0);
    const data = Buffer.from('the code');
    expect(verify(null, data, publicKey, sign(null, data, privateKey))).to.equal(true);
  });

  it('refuses to overwrite a key unless --force, with exit code 1', async () => {
    const out = join(dir, 'fleet');
    expect((await runInProcess(['keygen', '--out', out])).code).to.equal(0);
    const before = readFileSync(`${out}.key`, 'utf8');
    const again = await runInProcess(['keygen', '--out', out]);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.include('exists; pass --force');
    expect(readFileSync(`${out}.key`, 'utf8')).to.equal(before);
    expect((await runInProcess(['keygen', '--out', out, '--force'])).code).to.equal(0);
    expect(readFileSync(`${out}.key`, 'utf8')).to.not.equal(before);
  });
});

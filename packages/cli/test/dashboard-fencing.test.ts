import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import { runArmada } from './helpers.js';

describe('armada dashboard on a server that refuses the cluster to the user', function () {
  this.timeout(60_000);
  let dir: string;
  let server: NatsServerHandle;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'armada-dash-fence-'));
    writeFileSync(join(dir, 'fleet.conf'), `authorization {\n  users = [\n    { user: green, password: "g", permissions: { publish: "armada.green.>", subscribe: "armada.green.>" } }\n  ]\n}\n`);
    server = await startNatsServer({ port: await freePort(), args: ['-c', join(dir, 'fleet.conf')] });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 1 and says why instead of serving an empty page', async () => {
    const run = await runArmada(['dashboard', '--nats', server.url, '--cluster', 'blue', '--user', 'green', '--password', 'g', '--port', '0']);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('refused this user the subjects of cluster "blue"');
  });
});

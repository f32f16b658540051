import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import { runArmada, startArmadaMachine, type ArmadaMachine } from './helpers.js';

describe('clusters fenced by subject permissions on one server', function () {
  this.timeout(60_000);
  let dir: string;
  let server: NatsServerHandle;
  let blue: ArmadaMachine | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'armada-fence-'));
    const port = await freePort();
    // The README's example: each user may publish and subscribe under its own cluster's prefix only.
    writeFileSync(
      join(dir, 'fleet.conf'),
      `authorization {
  users = [
    { user: blue,  password: "b", permissions: { publish: "armada.blue.>",  subscribe: "armada.blue.>" } }
    { user: green, password: "g", permissions: { publish: "armada.green.>", subscribe: "armada.green.>" } }
  ]
}
`,
    );
    server = await startNatsServer({ port, args: ['-c', join(dir, 'fleet.conf')] });
  });
  after(async () => {
    await blue?.kill();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows blue's machine to blue only; green is refused blue's subjects and told so", async () => {
    blue = await startArmadaMachine(server.url, ['--name', 'blue-1', '--agents', '1', '--cluster', 'blue', '--user', 'blue', '--password', 'b']);
    const asBlue = await runArmada(['status', '--nats', server.url, '--cluster', 'blue', '--user', 'blue', '--password', 'b', '--json', '--expect', '1', '--wait', '10000']);
    expect(asBlue.code, asBlue.stderr).to.equal(0);
    expect((JSON.parse(asBlue.stdout) as { machines: Array<{ name: string }> }).machines.map((m) => m.name)).to.deep.equal(['blue-1']);
    const greenHome = await runArmada(['status', '--nats', server.url, '--cluster', 'green', '--user', 'green', '--password', 'g', '--json', '--wait', '1000']);
    expect((JSON.parse(greenHome.stdout) as { machines: unknown[] }).machines).to.deep.equal([]);
    // Green on blue's cluster: refused, and the command says so instead of showing an empty cluster.
    const greenIntruding = await runArmada(['status', '--nats', server.url, '--cluster', 'blue', '--user', 'green', '--password', 'g', '--json', '--wait', '1000']);
    expect(greenIntruding.code).to.equal(1);
    expect(greenIntruding.stdout).to.equal('');
    expect(greenIntruding.stderr).to.include('refused this user the subjects of cluster "blue"');
    const greenMachine = await runArmada(['machine', '--nats', server.url, '--cluster', 'blue', '--user', 'green', '--password', 'g', '--agents', '1']);
    expect(greenMachine.code).to.equal(1);
    expect(greenMachine.stderr).to.include('refused this user the subjects of cluster "blue"');
  });
});

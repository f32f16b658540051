import { expect } from 'chai';
import { ARMADA_BIN, runArmada, runInProcess } from './helpers.js';

const COMMANDS = ['machine', 'status', 'demo', 'run', 'init', 'keygen'] as const;

describe('armada usage', function () {
  this.timeout(20_000);

  it('prints help for the program and every command, exit code 0', async () => {
    const top = await runInProcess(['--help']);
    expect(top.code).to.equal(0);
    for (const command of COMMANDS) expect(top.stdout).to.include(command);
    expect(top.stdout).to.include('ARMADA_NATS_URL');
    for (const command of COMMANDS) {
      const { code, stdout } = await runInProcess([command, '--help']);
      expect(code, command).to.equal(0);
      expect(stdout, command).to.include(`Usage: armada ${command}`);
    }
  });

  it('names the environment variable of every shared NATS flag in the help', async () => {
    const { stdout } = await runInProcess(['machine', '--help']);
    for (const v of ['ARMADA_NATS_URL', 'ARMADA_TOKEN', 'ARMADA_USER', 'ARMADA_PASSWORD', 'ARMADA_CREDS', 'ARMADA_TLS_CA', 'ARMADA_TLS_CERT', 'ARMADA_TLS_KEY', 'ARMADA_CLUSTER', 'ARMADA_PREFIX']) {
      expect(stdout).to.include(v);
    }
  });

  it('refuses an unknown option on every command with exit code 2', async () => {
    for (const command of COMMANDS) {
      const { code, stderr } = await runInProcess([command, '--bogus']);
      expect(code, command).to.equal(2);
      expect(stderr, command).to.include("unknown option '--bogus'");
    }
  });

  it('refuses an unknown command and bad values with exit code 2 and a clear message', async () => {
    const cases: Array<[string[], string]> = [
      [['bogus'], "unknown command 'bogus'"],
      [['machine', '--nats', 'nats://127.0.0.1:1', '--agents', '0'], '--agents must be a positive integer, got "0"'],
      [['machine', '--nats', 'nats://127.0.0.1:1', '--agents', 'many'], '--agents must be a positive integer, got "many"'],
      [['machine', '--nats', 'nats://127.0.0.1:1', '--slow-fraction', '2'], '--slow-fraction must be a number in 0..1, got "2"'],
      [['machine', '--nats', 'nats://127.0.0.1:1', '--connect-timeout', '-5'], '--connect-timeout must be a positive integer'],
      [['machine'], 'pass --nats <url> or set ARMADA_NATS_URL'],
      [['machine', '--nats', 'nats://127.0.0.1:1', '--user', 'u'], '--user and --password go together'],
      [['machine', '--nats', 'nats://127.0.0.1:1', '--token', 't', '--user', 'u', '--password', 'p'], 'give only one of --token'],
      [['machine', '--nats', 'nats://127.0.0.1:1', '--tls-cert', 'c.pem'], '--tls-cert and --tls-key go together'],
      [['run', '--nats', 'nats://127.0.0.1:1', '--password', 'p', 'package.json'], '--user and --password go together'],
      [['status', '--nats', 'nats://127.0.0.1:1', '--wait', 'soon'], '--wait must be a positive integer'],
      [['machine', '--nats', 'nats://127.0.0.1:1', '--log-format', 'xml'], "'xml' is invalid"],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await runInProcess(args);
      expect(code, args.join(' ')).to.equal(2);
      expect(stderr, args.join(' ')).to.include(message);
    }
  });

  it('exits with code 2 from the real bin too, and 0 for --help', async () => {
    expect(ARMADA_BIN).to.match(/bin\.js$/);
    const bad = await runArmada(['machine', '--agents', 'x', '--nats', 'nats://127.0.0.1:1']);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include('--agents must be a positive integer');
    const help = await runArmada(['--help']);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.include('Usage: armada');
  });

  it('reads the NATS URL from ARMADA_NATS_URL when --nats is absent, and takes blank variables as unset', async () => {
    const { code, stderr } = await runArmada(['machine', '--agents', '1'], { env: { ARMADA_NATS_URL: 'nats://127.0.0.1:1', ARMADA_USER: '', ARMADA_TOKEN: ' ' } });
    expect(code).to.equal(1);
    expect(stderr).to.include('connecting to nats://127.0.0.1:1');
    expect(stderr).to.include('connection refused');
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { NatsServerNotFoundError, NatsServerStartError, NatsServerStoppedError } from './errors.js';

/** Options of {@link startNatsServer}. */
export interface NatsServerOptions {
  /** Client port. Default: a free port picked on 127.0.0.1. */
  port?: number;
  /** Extra command-line arguments for `nats-server`. */
  args?: string[];
  /** Require this token from clients. */
  token?: string;
  /** Require this user (with `pass`) from clients. */
  user?: string;
  /** Password for `user`. */
  pass?: string;
  /** Run JetStream (`-js`), with its store in the server's temporary folder. Default false. */
  jetstream?: boolean;
  /** The server's `max_payload` in bytes (NATS default 1 MiB). */
  maxPayload?: number;
  /** How long to wait for the server to report it is ready. Default 10 000 ms. */
  readyTimeoutMs?: number;
  /** Path of the `nats-server` binary. Default: searched on PATH, /usr/sbin and /usr/local/sbin. */
  binary?: string;
}

/** A running `nats-server` started by {@link startNatsServer}. */
export interface NatsServerHandle {
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  /** The client port. */
  readonly port: number;
  /** Stops the server (SIGTERM, then SIGKILL if it lingers) and resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
  /** Stops the server and starts it again on the same port and with the same options. */
  restart(): Promise<void>;
}

const DEFAULTS = { readyTimeoutMs: 10_000, stopTimeoutMs: 5_000, host: '127.0.0.1' } as const;
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin'];
const READY = 'Server is ready';
const MAX_OUTPUT = 64 * 1024;

/** Every server started by this process and not yet stopped; killed when the process exits. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/**
 * Finds the `nats-server` executable: `binary` if given, else PATH plus /usr/sbin,
 * /usr/local/sbin, /usr/bin and /usr/local/bin. Throws `NatsServerNotFoundError`, whose message
 * says how to install it, when there is none.
 */
export function findNatsServer(binary?: string): string {
  const candidates =
    binary !== undefined
      ? [binary]
      : [...new Set([...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS])].map((dir) => join(dir, 'nats-server'));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, fsConstants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  throw new NatsServerNotFoundError(candidates);
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, DEFAULTS.host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new NatsServerStartError('could not pick a free port', ''))));
    });
  });
}

/**
 * Starts a private `nats-server` bound to 127.0.0.1 only and resolves once it accepts clients.
 * Rejects with `NatsServerNotFoundError` if the binary is missing and with `NatsServerStartError`
 * (including the server's output) if it exits or is not ready within `readyTimeoutMs`. Servers
 * still running when this process exits are killed.
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const binary = findNatsServer(options.binary);
  const port = options.port ?? (await freePort());
  const workDir = await mkdtemp(join(tmpdir(), 'armada-nats-'));
  const args = ['-a', DEFAULTS.host, '-p', String(port)];
  if (options.maxPayload !== undefined) {
    const config = join(workDir, 'nats-server.conf');
    await writeFile(config, `max_payload: ${Math.floor(options.maxPayload)}\n`);
    args.push('-c', config);
  }
  if (options.token !== undefined) args.push('--auth', options.token);
  if (options.user !== undefined) args.push('--user', options.user);
  if (options.pass !== undefined) args.push('--pass', options.pass);
  // The store lives in the server's private folder, removed on stop.
  if (options.jetstream === true) args.push('-js', '-sd', join(workDir, 'jetstream'));
  args.push(...(options.args ?? []));
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULTS.readyTimeoutMs;

  let child: ChildProcess | undefined;
  let stopping: Promise<void> | undefined;
  try {
    child = await launch(binary, args, readyTimeoutMs);
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }

  const handle: NatsServerHandle = {
    url: `nats://${DEFAULTS.host}:${port}`,
    port,
    stop() {
      stopping ??= (async () => {
        if (child !== undefined) await terminate(child);
        child = undefined;
        await rm(workDir, { recursive: true, force: true });
      })();
      return stopping;
    },
    async restart() {
      if (stopping !== undefined) throw new NatsServerStoppedError();
      if (child !== undefined) await terminate(child);
      child = undefined;
      child = await launch(binary, args, readyTimeoutMs);
    },
  };
  return handle;
}

/** Spawns the server and waits for its ready line; kills it and rejects if that does not come. */
function launch(binary: string, args: string[], readyTimeoutMs: number): Promise<ChildProcess> {
  installExitHook();
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let output = '';
    let settled = false;
    const collect = (chunk: Buffer) => {
      if (output.length < MAX_OUTPUT) output += chunk.toString('utf8');
      if (!settled && output.includes(READY)) finish();
    };
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error === undefined) {
        // A server left running by mistake must not keep the process alive; the exit hook kills it.
        child.unref();
        (child.stdout as { unref?: () => void } | null)?.unref?.();
        (child.stderr as { unref?: () => void } | null)?.unref?.();
        resolve(child);
        return;
      }
      void terminate(child).finally(() => reject(error));
    };
    const timer = setTimeout(
      () => finish(new NatsServerStartError(`nats-server was not ready within ${readyTimeoutMs} ms`, output)),
      readyTimeoutMs,
    );
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('error', (error) => finish(new NatsServerStartError(`cannot run ${binary}: ${error.message}`, output, error)));
    child.once('exit', (code, signal) => {
      running.delete(child);
      finish(new NatsServerStartError(`nats-server exited before it was ready (code ${code}, signal ${signal})`, output));
    });
  });
}

/** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    running.delete(child);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), DEFAULTS.stopTimeoutMs);
    child.once('exit', () => {
      clearTimeout(killer);
      running.delete(child);
      resolve();
    });
    if (!child.kill('SIGTERM')) {
      // The signal could not be sent: the process is already gone (spawn failure).
      if (child.pid === undefined) {
        clearTimeout(killer);
        running.delete(child);
        resolve();
      }
    }
  });
}

import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../src/index.js';

/** The compiled `armada` entry point. */
export const ARMADA_BIN = fileURLToPath(new URL('../src/bin.js', import.meta.url));

const DEFAULTS = { exitTimeoutMs: 20_000, readyTimeoutMs: 30_000, maxOutput: 64 * 1024 } as const;

/** What a finished command printed, how it ended and how long it took. */
export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `armada` in this process (fast: for usage and help checks). */
export async function runInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
  return { code, stdout, stderr };
}

/** Runs `armada` as a child process and resolves once it exited; kills it and rejects if it does not in time. */
export function runArmada(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [ARMADA_BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...cleanEnv(), ...options.env },
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
  });
  const out = collect(child);
  const timeoutMs = options.timeoutMs ?? DEFAULTS.exitTimeoutMs;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`armada ${args.join(' ')} did not exit within ${timeoutMs} ms; stderr:\n${out.stderr()}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: out.stdout(), stderr: out.stderr(), ms: performance.now() - started });
    });
  });
}

/** An `armada machine` child process that reported ready. */
export interface ArmadaMachine {
  readonly id: string;
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  /** Resolves once stderr contains `text`; rejects if the process exits first or after `timeoutMs`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** SIGKILLs it if still running, and waits for the exit. */
  kill(): Promise<void>;
}

/** Forks `armada machine --nats <nats> <args>` and resolves once it sent its IPC ready message. */
export function startArmadaMachine(nats: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ArmadaMachine> {
  const child = fork(ARMADA_BIN, ['machine', '--nats', nats, ...args], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...cleanEnv(), ...env } });
  const out = collect(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const waitFor = (text: string, timeoutMs = DEFAULTS.readyTimeoutMs) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!out.stderr().includes(text)) return false;
        finish();
        resolve();
        return true;
      };
      const timer = setTimeout(() => (finish(), reject(new Error(`no "${text}" within ${timeoutMs} ms; stderr:\n${out.stderr()}`))), timeoutMs);
      const onExit = () => check() || (finish(), reject(new Error(`exited before "${text}"; stderr:\n${out.stderr()}`)));
      const finish = () => {
        clearTimeout(timer);
        child.stderr!.off('data', check);
        child.off('exit', onExit);
      };
      child.stderr!.on('data', check);
      child.once('exit', onExit);
      check();
    });
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (void kill(), reject(new Error(`machine not ready within ${DEFAULTS.readyTimeoutMs} ms; stderr:\n${out.stderr()}`))), DEFAULTS.readyTimeoutMs);
    child.on('message', (m: { type?: string; id?: string; name?: string }) => {
      if (m?.type !== 'ready') return;
      clearTimeout(timer);
      resolve({ id: m.id!, name: m.name!, child, exited, stderr: out.stderr, waitFor, kill });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`machine exited (code ${code}) before it was ready; stderr:\n${out.stderr()}`));
    });
  });
}

/** The environment without ARMADA_* settings of whoever runs the tests. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('ARMADA_')) delete env[key];
  return env;
}

function collect(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => void (stdout.length < DEFAULTS.maxOutput && (stdout += c.toString('utf8'))));
  child.stderr?.on('data', (c: Buffer) => void (stderr.length < DEFAULTS.maxOutput && (stderr += c.toString('utf8'))));
  return { stdout: () => stdout, stderr: () => stderr };
}

/**
 * Awaits machines being started together. Should one fail, the others are killed before the error
 * is rethrown: a ready machine no test holds would keep mocha's event loop, and the run, alive.
 */
export async function allReady(starting: ReadonlyArray<Promise<ArmadaMachine>>): Promise<ArmadaMachine[]> {
  const settled = await Promise.allSettled(starting);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed === undefined) return settled.map((s) => (s as PromiseFulfilledResult<ArmadaMachine>).value);
  await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.kill() : undefined)));
  throw failed.reason;
}

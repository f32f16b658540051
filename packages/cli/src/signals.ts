/** Defaults of {@link untilSignals}. */
export const SIGNAL_DEFAULTS = {
  /** How often a process started by npm looks whether its parent is still the one it started with. */
  orphanCheckMs: 250,
  /**
   * After the parent was found gone, a signal this soon is the same event (`kill %1` signals npm,
   * the shell and this process at once, and the check may notice first), not a second signal.
   */
  orphanGraceMs: 1_000,
} as const;

/**
 * Resolves with the first of `signals` the process receives. Any later one calls `again` (which
 * normally exits at once). While waiting, the signals no longer kill the process. An IPC
 * `disconnect` (the parent went away) counts as SIGTERM.
 *
 * So does losing the parent when npm started the process (`npx armada …`, `npm run …`): npm runs
 * the command under `sh -c`, and a SIGTERM to npm's PID (`kill $!`, a service manager) ends npm
 * and the shell but never reaches this process, which would run on orphaned. When the parent
 * changes (the process was re-parented) it takes that for the SIGTERM that did not arrive.
 */
export function untilSignals(signals: readonly NodeJS.Signals[], again: (signal: NodeJS.Signals) => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let first = true;
    let orphanWatch: NodeJS.Timeout | undefined;
    let graceUntil = 0;
    const on = (signal: NodeJS.Signals) => {
      if (!first && performance.now() < graceUntil) return;
      if (first) {
        first = false;
        // A signal to the whole process group (`kill %1`) also ends npm: that is not a second signal.
        clearInterval(orphanWatch);
        resolve(signal);
      } else again(signal);
    };
    for (const s of signals) process.on(s, on);
    if (process.send !== undefined) process.once('disconnect', () => on('SIGTERM'));
    if (process.env.npm_command !== undefined) {
      const parent = process.ppid;
      orphanWatch = setInterval(() => {
        if (process.ppid === parent) return;
        on('SIGTERM');
        graceUntil = performance.now() + SIGNAL_DEFAULTS.orphanGraceMs;
      }, SIGNAL_DEFAULTS.orphanCheckMs);
      orphanWatch.unref();
    }
  });
}

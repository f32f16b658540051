/** Defaults of {@link untilSignals}. */
export const SIGNAL_DEFAULTS = {
  /** How often a process started by npm looks whether its parent is still the one it started with. */
  orphanCheckMs: 250,
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
    const on = (signal: NodeJS.Signals) => {
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
      orphanWatch = setInterval(() => process.ppid !== parent && on('SIGTERM'), SIGNAL_DEFAULTS.orphanCheckMs);
      orphanWatch.unref();
    }
  });
}

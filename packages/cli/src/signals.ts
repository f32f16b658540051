/**
 * Resolves with the first of `signals` the process receives. Any later one calls `again` (which
 * normally exits at once). While waiting, the signals no longer kill the process. An IPC
 * `disconnect` (the parent went away) counts as SIGTERM.
 */
export function untilSignals(signals: readonly NodeJS.Signals[], again: (signal: NodeJS.Signals) => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let first = true;
    const on = (signal: NodeJS.Signals) => {
      if (first) {
        first = false;
        resolve(signal);
      } else again(signal);
    };
    for (const s of signals) process.on(s, on);
    if (process.send !== undefined) process.once('disconnect', () => on('SIGTERM'));
  });
}

import { expect } from 'chai';
import { RateLimitedWarning } from '../src/rate-limited-warning.js';
import { MemoryLogger } from './helpers.js';

describe('RateLimitedWarning', () => {
  function limited(burst: number) {
    const logger = new MemoryLogger();
    const timers: Array<() => void> = [];
    const warning = new RateLimitedWarning(logger, 'dropped a thing', { burst, intervalMs: 2000, setTimer: (fn) => void timers.push(fn) });
    const endInterval = () => timers.shift()!();
    return { logger, timers, warning, endInterval };
  }

  it('writes the first few of an interval, then one summary line with the count of the rest', () => {
    const { logger, timers, warning, endInterval } = limited(3);
    for (let i = 0; i < 1000; i++) warning.warn({ i });
    expect(logger.count('warn', 'dropped a thing')).to.equal(3);
    expect(timers).to.have.length(1);
    endInterval();
    expect(logger.at('warn').at(-1)).to.equal('dropped a thing: 997 more in the last 2 s');
    expect(logger.count('warn', 'dropped a thing')).to.equal(4);
  });

  it('writes no summary for a quiet interval and starts afresh after one', () => {
    const { logger, timers, warning, endInterval } = limited(2);
    warning.warn();
    endInterval();
    expect(logger.at('warn')).to.deep.equal(['dropped a thing']);
    expect(timers).to.have.length(0);
    warning.warn();
    warning.warn();
    warning.warn();
    expect(logger.count('warn', 'dropped a thing')).to.equal(3);
    endInterval();
    expect(logger.at('warn').at(-1)).to.equal('dropped a thing: 1 more in the last 2 s');
  });
});

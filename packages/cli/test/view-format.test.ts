import { expect } from 'chai';
import type { ClusterView } from '@armada/scheduler';
import { formatView } from '../src/view-format.js';
import { explain } from '../src/demo/report.js';
import type { DemoRow } from '../src/demo/experiment.js';

const STATS = { cores: 2, totalMemory: 8 * 2 ** 30, freeMemory: 4 * 2 ** 30, load: 0.5 };
const ACTIVITY: ClusterView['activity'] = { done: 0, failed: 0, agents: [], steals: [], departed: [], deadAfterMs: 3000 };

describe('armada status table', () => {
  it("shows each agent's counts, and '-' for a machine that does not report them", () => {
    const view: ClusterView = {
      machines: [
        { id: 'id-1' as never, name: 'new', stats: STATS, lastHeardMs: 10, draining: false, agents: [{ agent: 'x/new/agent-0', queued: 4, outstanding: 1, running: 2, done: 150, stolenIn: 7, stolenOut: 3 }] },
        { id: 'id-2' as never, name: 'old', stats: STATS, lastHeardMs: 10, draining: false, agents: [{ agent: 'x/old/agent-0', queued: 0, outstanding: 0 }] },
      ],
      jobs: [],
      activity: ACTIVITY,
      definitionsShipped: 0,
    };
    const text = formatView(view, 'nats://127.0.0.1:4222');
    expect(text).to.match(/^\s+new\s+agent-0\s+4\s+2\s+150\s+7\s+3\s+1$/m);
    expect(text).to.match(/^\s+old\s+agent-0\s+0\s+-\s+-\s+-\s+-\s+0$/m);
    expect(text).to.include('not reported yet');
  });
});

describe('armada demo summary', () => {
  const row = (run: DemoRow['run'], stealing: boolean | undefined, speedup: number): DemoRow => ({ run, placement: 'round-robin', stealing, ms: 100 / speedup, runs: [100 / speedup], speedup });
  const map = row('map', undefined, 1);

  it('credits stealing only when it gained, and otherwise says when it pays', () => {
    const gained = explain([map, row('dmap', true, 1.7), row('dmap', false, 1.4)], 2, 'an embedded cluster');
    expect(gained).to.include('Stealing on averages 1.70x, off 1.40x: idle agents take queued work from slow or busy ones.');
    const even = explain([map, row('dmap', true, 1.5), row('dmap', false, 1.55)], 2, 'a fleet');
    expect(even).to.include('Stealing on averages 1.50x, off 1.55x: no clear gain here.');
    expect(even).to.include('--slow-fraction');
    expect(even).to.not.include('idle agents take queued work');
  });
});

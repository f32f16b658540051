import { expect } from 'chai';
import type { ClusterView } from '@armada/scheduler';
import { formatView } from '../src/view-format.js';

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

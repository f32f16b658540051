import { expect } from 'chai';
import { useMachineCluster } from './machines.js';

/** Bound through `env` in the shipped function, not in this module. */
declare const scale: number;
declare const offset: number;

const MODES = ['round-robin', 'low-latency', 'by-memory'] as const;

describe('Cluster.dmap on two machine processes over NATS', function () {
  this.timeout(60_000);
  const fx = useMachineCluster(2, { agents: 2 });
  const inputs = Array.from({ length: 500 }, (_, i) => i);

  for (const mode of MODES) {
    for (const stealing of [true, false]) {
      it(`returns every result in input order with ${mode} placement, stealing ${stealing ? 'on' : 'off'}`, async () => {
        const linear = await fx.cluster.dmap((x: number) => x * scale + offset, inputs, { mode, stealing, env: { scale: 3, offset: -7 } });
        expect(linear).to.deep.equal(inputs.map((x) => x * 3 - 7));

        // Uneven timer-based packets: some agents run dry while others still have a queue to steal from.
        const uneven = await fx.cluster.dmap(
          async (x: number) => {
            await new Promise((resolve) => setTimeout(resolve, x % 5 === 0 ? 6 : 1));
            return `${x}:${x * x}`;
          },
          inputs,
          { mode, stealing },
        );
        expect(uneven).to.deep.equal(inputs.map((x) => `${x}:${x * x}`));
      });
    }
  }
});

import { expect } from 'chai';
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArgumentTypeError, Gluster } from '../../src/index.js';

const FUNCTIONS = fileURLToPath(new URL('../../../test/gluster/fixtures/functions.ts', import.meta.url));

describe('Gluster.runDist argument checks (embedded)', function () {
  this.timeout(60_000);
  let dir: string;
  let g: Gluster;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'armada-args-'));
    g = await Gluster.start({ machines: 1, agentsPerMachine: 1, definitions: { modules: { dir } } });
    await g.importFunctionFile(FUNCTIONS);
  });
  after(async () => {
    await g.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('rejects arbitrary wrong arguments with ArgumentTypeError before anything is sent', async () => {
    const shippedBefore = (await g.cluster.view()).definitionsShipped;
    fc.assert(
      fc.property(
        fc.anything().filter((v) => typeof v !== 'number'),
        fc.array(fc.anything().filter((v) => typeof v !== 'number'), { minLength: 1, maxLength: 3 }),
        (notANumber, notNumbers) => {
          expect(() => g.runDist('functions.add', notANumber, 1)).to.throw(ArgumentTypeError);
          expect(() => g.runDist('functions.add', 1, notANumber)).to.throw(ArgumentTypeError);
          expect(() => g.runDist('functions.sumOfSquares', [1, ...notNumbers])).to.throw(ArgumentTypeError);
          expect(() => g.runDist('functions.rowSum', Array.from(notNumbers), 0, 1)).to.throw(ArgumentTypeError);
        },
      ),
      { numRuns: 200 },
    );
    const view = await g.cluster.view();
    expect(view.jobs, 'no job reached the master').to.deep.equal([]);
    expect(view.definitionsShipped, 'nothing was shipped').to.equal(shippedBefore);
  });

  it('accepts arbitrary right arguments, and the jobs compute', async () => {
    const ids: Array<[string, number]> = [];
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -1e6, max: 1e6 }), (a, b) => {
        ids.push([g.runDist('functions.add', a, b), a + b]);
      }),
      { numRuns: 40 },
    );
    const values = await g.all(ids.map(([id]) => id));
    expect(values).to.deep.equal(ids.map(([, sum]) => sum));
  });

  it('names the function, the parameter path, what was expected and what was given', () => {
    try {
      g.runDist('functions.sumOfSquares', [1, 2, 'three']);
      expect.fail('accepted a string among numbers');
    } catch (error) {
      expect(error).to.be.instanceOf(ArgumentTypeError);
      expect((error as Error).message).to.include('sumOfSquares').and.include('xs[2]');
    }
  });
});

import { expect } from 'chai';
import { InvalidArgumentError } from '@armada/actors';
import { InlineExecutor } from '../../src/worker/inline-executor.js';
import { executorConformance } from './executor-conformance.js';

describe('InlineExecutor', () => {
  executorConformance((options) => new InlineExecutor(options));

  it('refuses a slowFactor below 1', () => {
    expect(() => new InlineExecutor({ slowFactor: 0.5 })).to.throw(InvalidArgumentError);
  });
});

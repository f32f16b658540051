import { expect } from 'chai';
import { inject, injectable } from '@armada/actors';
import { container } from 'tsyringe';
import { InvalidStrategyError, UnknownStrategyError } from '../../src/errors.js';
import {
  ByMemoryPlacement,
  LowLatencyPlacement,
  Mode,
  PlacementRegistry,
  PlacementTokens,
  RoundRobinPlacement,
  type Candidate,
  type PlacementStrategy,
} from '../../src/placement/index.js';
import { agents } from './candidates.js';

class LastCandidate implements PlacementStrategy {
  readonly name = 'last';
  choose(candidates: readonly Candidate[]): Candidate {
    return candidates[candidates.length - 1]!;
  }
}

describe('PlacementRegistry', () => {
  it('holds the three built-in modes', () => {
    const registry = new PlacementRegistry();
    expect(registry.names()).to.deep.equal(['round-robin', 'low-latency', 'by-memory']);
    expect(registry.create(Mode.RoundRobin)).to.be.instanceOf(RoundRobinPlacement);
    expect(registry.create(Mode.LowLatency)).to.be.instanceOf(LowLatencyPlacement);
    expect(registry.create(Mode.ByMemory)).to.be.instanceOf(ByMemoryPlacement);
    for (const name of Object.values(Mode)) expect(registry.create(name).name).to.equal(name);
  });

  it('creates a fresh instance on every call, so masters never share a cursor', () => {
    const registry = new PlacementRegistry();
    expect(registry.create(Mode.RoundRobin)).to.not.equal(registry.create(Mode.RoundRobin));
  });

  it('throws UnknownStrategyError naming the known strategies', () => {
    const registry = new PlacementRegistry().register('last', LastCandidate);
    let error: unknown;
    try {
      registry.create('fastest');
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(UnknownStrategyError);
    const unknown = error as UnknownStrategyError;
    expect(unknown.code).to.equal('ERR_UNKNOWN_STRATEGY');
    expect(unknown.strategy).to.equal('fastest');
    expect(unknown.message).to.contain('"fastest"');
    for (const name of ['round-robin', 'low-latency', 'by-memory', 'last']) expect(unknown.message).to.contain(name);
  });

  it('registers a user class and builds a new instance of it each time', () => {
    const registry = new PlacementRegistry().register('last', LastCandidate);
    const strategy = registry.create('last');
    expect(strategy).to.be.instanceOf(LastCandidate);
    expect(registry.create('last')).to.not.equal(strategy);
    const candidates = agents(3);
    expect(strategy.choose(candidates)).to.equal(candidates[2]);
    expect(registry.has('last')).to.equal(true);
    expect(registry.names()).to.deep.equal(['round-robin', 'low-latency', 'by-memory', 'last']);
  });

  it('registers a factory, arrow or function', () => {
    let made = 0;
    const registry = new PlacementRegistry()
      .register('arrow', () => {
        made++;
        return new LastCandidate();
      })
      .register('function', function makeLast() {
        made++;
        return new LastCandidate();
      })
      .register('tolerant', () => new ByMemoryPlacement({ toleranceBytes: 0 }));
    expect(registry.create('arrow')).to.be.instanceOf(LastCandidate);
    expect(registry.create('function')).to.be.instanceOf(LastCandidate);
    expect(made).to.equal(2);
    expect(registry.create('tolerant')).to.be.instanceOf(ByMemoryPlacement);
  });

  it('lets a registration replace an earlier one, a built-in included', () => {
    const registry = new PlacementRegistry().register(Mode.RoundRobin, LastCandidate);
    expect(registry.create(Mode.RoundRobin)).to.be.instanceOf(LastCandidate);
    expect(registry.names()).to.have.length(3);
  });

  it('keeps registrations to its own instance', () => {
    new PlacementRegistry().register('last', LastCandidate);
    expect(new PlacementRegistry().has('last')).to.equal(false);
  });

  it('rejects an empty name and a factory whose product cannot choose', () => {
    const registry = new PlacementRegistry();
    expect(() => registry.register('', LastCandidate)).to.throw(InvalidStrategyError);
    registry.register('broken', () => ({}) as PlacementStrategy);
    expect(() => registry.create('broken')).to.throw(InvalidStrategyError, /broken/);
  });

  it('can be provided to a container under PlacementTokens.Registry', () => {
    @injectable()
    class NeedsRegistry {
      constructor(@inject(PlacementTokens.Registry) readonly registry: PlacementRegistry) {}
    }
    const custom = new PlacementRegistry().register('last', LastCandidate);
    const scope = container.createChildContainer();
    scope.registerInstance(PlacementTokens.Registry, custom);
    expect(scope.resolve(NeedsRegistry).registry).to.equal(custom);
    expect(container.isRegistered(PlacementTokens.Registry)).to.equal(false);
  });
});

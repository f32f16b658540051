import { expect } from 'chai';
import fc from 'fast-check';
import { InvalidArgumentError } from '@armada/actors';
import { Subjects, decodeCorrelationId, encodeCorrelationId } from '../src/internal.js';

describe('Subjects', () => {
  const s = new Subjects('armada', 'prod');

  it('builds every subject from prefix and cluster', () => {
    expect(s.node('n1')).to.equal('armada.prod.node.n1');
    expect(s.reply('n1', 'c42')).to.equal('armada.prod.reply.n1.c42');
    expect(s.replyWildcard('n1')).to.equal('armada.prod.reply.n1.*');
    expect(s.announce()).to.equal('armada.prod.announce');
  });

  it('rejects prefixes, clusters and node ids that are not single plain tokens', () => {
    for (const bad of ['', 'a.b', 'a b', '*', '>', 'x'.repeat(65)]) {
      expect(() => new Subjects(bad, 'c'), `prefix ${bad}`).to.throw(InvalidArgumentError);
      expect(() => new Subjects('p', bad), `cluster ${bad}`).to.throw(InvalidArgumentError);
    }
    for (const bad of ['', 'a.b', 'a*', 'a>', 'a b']) expect(() => s.node(bad), `node ${bad}`).to.throw(InvalidArgumentError);
  });

  it('keeps plain correlation ids and encodes the others into one subject token', () => {
    expect(encodeCorrelationId('c-42_x')).to.equal('c-42_x');
    const token = encodeCorrelationId('a.b *>');
    expect(token).to.match(/^~[A-Za-z0-9_-]+$/);
    expect(s.correlationOf('n1', s.reply('n1', 'a.b *>'))).to.equal('a.b *>');
  });

  it('round-trips any correlation id through a reply subject', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 100 }), fc.string({ maxLength: 300 })), (id) => {
        const token = encodeCorrelationId(id);
        expect(token).to.match(/^~?[A-Za-z0-9_-]*$/);
        expect(decodeCorrelationId(token)).to.equal(id);
      }),
    );
  });

  it('refuses reply subjects that are not this node\'s or whose token no sender produces', () => {
    expect(s.correlationOf('n1', 'armada.prod.reply.n2.c1')).to.equal(undefined);
    expect(s.correlationOf('n1', 'armada.prod.node.n1')).to.equal(undefined);
    expect(s.correlationOf('n1', 'armada.prod.reply.n1.~!!')).to.equal(undefined);
    expect(s.correlationOf('n1', 'armada.prod.reply.n1.~YWJj')).to.equal(undefined); // "abc" is sent plain
    expect(s.correlationOf('n1', 'armada.prod.reply.n1.')).to.equal(undefined);
  });
});

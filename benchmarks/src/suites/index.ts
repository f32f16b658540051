import type { Suite } from '../lib/suite.js';
import { idleSuite } from './idle.js';
import { scaleSuite } from './scale.js';
import { transportSuite } from './transport.js';
import { w1TinySuite } from './w1-tiny.js';
import { w2RttSuite } from './w2-rtt.js';
import { w3StealSuite } from './w3-steal.js';
import { w4FacSuite } from './w4-fac.js';
import { w5MatmulSuite } from './w5-matmul.js';
import { w6WordcountSuite } from './w6-wordcount.js';
import { w7RecoverySuite } from './w7-recovery.js';
import { w8SerdeSuite } from './w8-serde.js';
import { w9LatencySuite } from './w9-latency.js';

/** Every suite `run.js` knows, in the order they are listed. */
export const SUITES: readonly Suite[] = [
  transportSuite,
  w1TinySuite,
  w2RttSuite,
  w3StealSuite,
  w4FacSuite,
  w5MatmulSuite,
  w6WordcountSuite,
  w7RecoverySuite,
  w8SerdeSuite,
  w9LatencySuite,
  idleSuite,
  scaleSuite,
];

import type { Suite } from '../lib/suite.js';
import { transportSuite } from './transport.js';

/** Every suite `run.js` knows, in the order they are listed. */
export const SUITES: readonly Suite[] = [transportSuite];

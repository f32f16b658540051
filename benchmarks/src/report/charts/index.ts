import type { Chart } from '../chart.js';
import { scaleChart } from './scale.js';
import { w4Chart, w5Chart, w6Chart } from './speedups.js';
import { w1Chart, w2Chart } from './vs-nats.js';
import { w3Chart } from './w3-steal.js';
import { w7Chart } from './w7-recovery.js';

/** Every chart of `npm run bench -- --report`, in the order of the report's index. */
export const CHARTS: readonly Chart[] = [w1Chart, w2Chart, w3Chart, w4Chart, w5Chart, w6Chart, w7Chart, scaleChart];

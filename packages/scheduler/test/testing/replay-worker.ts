import { parentPort, workerData } from 'node:worker_threads';
import { REPLAY_SCENARIOS } from './replay-scenarios.js';

// One scenario in a thread of its own (replay.test.ts compares it with a run in the main thread).
const { name } = workerData as { name: keyof typeof REPLAY_SCENARIOS };
parentPort!.postMessage(await REPLAY_SCENARIOS[name]());

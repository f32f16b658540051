/**
 * One point of the `scale` suite in its own process: runs `measurePoint` with the parameters
 * given as one JSON argument and reports the point as its ready info.
 */
import { signalFailed, signalReady } from '../lib/child.js';
import { measurePoint, type PointParams } from '../lib/scale-point.js';

try {
  const params = JSON.parse(process.argv[2] ?? '') as PointParams;
  signalReady(await measurePoint(params));
} catch (error) {
  signalFailed(error);
}

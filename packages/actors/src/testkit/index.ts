export { transportConformance, type TransportConformanceFixture } from './transport-conformance.js';
export { SimulatedClock } from './simulated-clock.js';
export { TestProbe } from './test-probe.js';
export { RecordingLogger, type LogRecord } from './recording-logger.js';

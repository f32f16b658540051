/**
 * For sibling packages only: pieces of the runtime that are not part of the public API and may
 * change without notice.
 */
export { Kind, isWireEnvelope, isWireReply, type WireEnvelope, type WireReply } from './wire.js';
export { Mailbox } from './mailbox.js';
export { RestartBudget } from './supervision.js';
export { RateLimitedWarning, RATE_LIMITED_WARNING_DEFAULTS, type RateLimitedWarningOptions } from './rate-limited-warning.js';

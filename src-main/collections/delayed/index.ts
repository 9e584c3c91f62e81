/** The delayed collection: calls of the user's own functions, and maps over lists, as task graphs. */
export { computeDelayed, type DelayedComputeResult, type DelayedOutput, type DelayedRequest, TARGET_BATCH_MS } from './compute.js';
export { type Batch, type FunctionsModule, lowerDelayed } from './lower.js';
export { type DelayedArg, type DelayedEntry, parseDelayed } from './spec.js';

/** The bag collection: text as bags of lines, and the pipelines over them that run natively. */
import './kinds/index.js';

export { type BagComputeOptions, type BagComputeResult, type BagOutput, computeBags, MAX_INLINE_VALUES } from './compute.js';
export { type BagPlan, type BagResult, evaluateBagOutput } from './evaluate.js';
export { type BagGraph, lowerBags } from './lower.js';
export { DEFAULT_BLOCKSIZE, planText, type TextPartition, type TextSource } from './text-source.js';

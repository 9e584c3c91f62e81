/** The array collection: constructors, node builders, the expression evaluator and file inspection. */
export * from './build.js';
export * from './chunks.js';
export * from './creation.js';
export * from './evaluate.js';
export * from './files.js';
export { MaskCountsNeeded, type MaskCounts, type MaskRequest } from './masks.js';
export { countOutputs } from './rank-slices.js';
export * from '../../lang/python-expression.js'; // the parser the array evaluator uses
export * from './compute.js';

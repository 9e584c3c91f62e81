/** The bag collection: text, sequences and ranges as bags, and the pipelines over them (native word counts; programs in the workers). */
import './kinds/index.js';

export { type BagComputeOptions, type BagComputeResult, type BagOutput, computeBags, MAX_INLINE_VALUES } from './compute.js';
export { type BagPlan, type BagSource, evaluateBagOutput, type ProgramPlan, type WordCountPlan } from './evaluate.js';
export { planRange, planSequence } from './sequence-source.js';
export { bagFormatOf, inspectText, type TextInspection, textFormatOf } from './inspect-text.js';
export { BUILTIN_NAMES } from './program/functions.js';
export type { Builtin } from './program/types.js';
export { DEFAULT_BLOCKSIZE, planText, type TextPartition, type TextSource } from './text-source.js';
export { partitionsOf } from './lower-program.js';
export { partitionItems } from './program/partition-items.js';
export { runSteps } from './program/steps.js';
export type { PartitionSource, Program, Step } from './program/types.js';
export { inPartition } from './kinds/bag-program.js';
export { describeForm, fieldOf, formOf, inferSchema, isRecord, type ItemColumn, type ItemColumnType, type ItemForm, type ItemSchema } from './program/item-schema.js';
export { LIST_AGGREGATIONS } from './program/types.js';

/** The bag collection's task kinds, registered with the engine when the collection is imported. */
import { registerTaskKind } from '../../../engine/task-kinds.js';
import { bagCombineKind, bagPartitionKind } from './bag-program.js';
import { jsonlCountKind } from './jsonl-count.js';
import { wordCountKind, wordCountMergeKind } from './word-count.js';

export type { BagCombineSpec, BagPartitionSpec } from './bag-program.js';
export type { Fold, WordCountMergeSpec, WordCountSpec } from './word-count.js';
export type { JsonlCountSpec } from './jsonl-count.js';

registerTaskKind(wordCountKind);
registerTaskKind(wordCountMergeKind);
registerTaskKind(jsonlCountKind);
registerTaskKind(bagPartitionKind);
registerTaskKind(bagCombineKind);

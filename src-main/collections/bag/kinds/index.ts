/** The bag collection's task kinds, registered with the engine when the collection is imported. */
import { registerTaskKind } from '../../../engine/task-kinds.js';
import { wordCountKind, wordCountMergeKind } from './word-count.js';

export type { Fold, WordCountMergeSpec, WordCountSpec } from './word-count.js';

registerTaskKind(wordCountKind);
registerTaskKind(wordCountMergeKind);

/** Bags used as tables (`records.to_dataframe()`): the front end's split, the table source and the bag_table kind, registered on import. */
import { registerTaskKind } from '../../engine/task-kinds.js';
import { bagTableKind } from './bag-table-kind.js';

registerTaskKind(bagTableKind);

export { atOrigin, BAG_TABLE_PREFIX, type BagTable, bagTableNode, itemsPlan, needsItems, splitBagTables } from './split.js';

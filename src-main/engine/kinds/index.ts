/** The core's own task kinds, registered with every engine (array kinds: collections/array/kinds/). */
import { registerTaskKind } from '../task-kinds.js';
import { callKind } from './call.js';
import { copyKind } from './copy.js';

export type { CallArg, CallSpec } from './call.js';
export type { CopySpec } from './copy.js';

registerTaskKind(callKind);
registerTaskKind(copyKind);

/**
 * The work a job does on disk when it spills (engine/scheduler.ts): writing chunks to the spill
 * folder and reading them back. Those are not tasks of the graph but the scheduling thread's own
 * work, recorded as tasks of two layers of their own (`spill:<task number>`, `unspill:<task
 * number>`) on a lane after the workers'. Every view of a job's task stream (the window's live
 * timeline, a job from the history, the reports) shows them as these two layers, in colours of
 * their own, and leaves them out of what counts the graph's tasks. Pure: the window imports it.
 */

export type DiskLayerName = 'spill' | 'unspill';

/** The two layers in the order a task stream numbers them (after the graph's own layers). */
export const DISK_LAYERS: readonly { name: DiskLayerName; label: string; colour: string }[] = [
  { name: 'spill', label: 'spill to disk', colour: '#17becf' },
  { name: 'unspill', label: 'read back from disk', colour: '#9edae5' },
];

/** The lane the spills are drawn on, labelled beside the timeline. */
export const DISK_LANE_LABEL = 'disk (spill)';

/** Whether a layer (by its kind, or its name where a history lacks kinds) is one of the two. */
export function isDiskLayer(l: { name: string; kind?: string }): boolean {
  const k = l.kind ?? l.name;
  return k === 'spill' || k === 'unspill';
}

/** The colour of a disk layer, or null for a layer of the graph (those take the palette's). */
export function diskLayerColour(l: { name: string; kind?: string } | undefined): string | null {
  if (!l || !isDiskLayer(l)) return null;
  return DISK_LAYERS.find((d) => d.name === (l.kind ?? l.name))?.colour ?? null;
}

/**
 * The two layers as a job's layer list describes a layer: their tasks are numbered by the graph
 * task they spill, so their index box is the graph's task count.
 */
export function diskLayerEntries(graphTasks: number): { name: string; label: string; kind: string; tasks: number; deps: string[]; indexShape: number[] }[] {
  return DISK_LAYERS.map((d) => ({ name: d.name, label: d.label, kind: d.name, tasks: 0, deps: [], indexShape: [graphTasks] }));
}

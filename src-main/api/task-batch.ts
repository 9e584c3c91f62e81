/**
 * The wire format of the task stream, used by both sides: the service packs finished tasks and
 * chunk state changes into column batches (see 'job.tasks' and 'job.chunks' in the contract), and
 * the renderer packs a history's task records the same way, so one ingest path reads both.
 * Pure code: no Node, no DOM.
 */
import type { EventData, TaskRecordEvent } from './contract.js';

type TaskBatch = Omit<EventData<'job.tasks'>, 'jobId'>;
type ChunkBatch = Omit<EventData<'job.chunks'>, 'jobId'>;

/** Splits a task key ("layer:i,j") into its layer and chunk index text. */
export function splitKey(key: string): [layer: string, index: string] {
  const colon = key.lastIndexOf(':');
  return [key.slice(0, colon), key.slice(colon + 1)];
}

/** Times are sent relative to the batch's first start, rounded to a microsecond. */
const micro = (ms: number) => Math.round(ms * 1000) / 1000;

export class TaskBatcher {
  private tasks: TaskBatch = TaskBatcher.emptyTasks();
  private layerAt = new Map<string, number>();
  /** Tasks started since the last take and not yet finished (a finished task says it all). */
  private started = new Set<string>();
  private released: Record<string, string[]> = {};
  private releasedCount = 0;

  private static emptyTasks(): TaskBatch {
    return { t0: 0, layers: [], layer: [], index: [], worker: [], start: [], stop: [], bytesIn: [], bytesOut: [] };
  }

  addTask(r: Pick<TaskRecordEvent, 'key' | 'worker' | 'start' | 'stop' | 'bytesIn' | 'bytesOut'>): void {
    const b = this.tasks;
    if (!b.layer.length) b.t0 = r.start;
    this.started.delete(r.key);
    const [layer, index] = splitKey(r.key);
    let li = this.layerAt.get(layer);
    if (li === undefined) { li = b.layers.length; b.layers.push(layer); this.layerAt.set(layer, li); }
    b.layer.push(li);
    b.index.push(index);
    b.worker.push(r.worker);
    b.start.push(micro(r.start - b.t0));
    b.stop.push(micro(r.stop - b.t0));
    b.bytesIn.push(r.bytesIn);
    b.bytesOut.push(r.bytesOut);
  }

  addStarted(key: string): void {
    this.started.add(key);
  }

  addReleased(key: string): void {
    const [layer, index] = splitKey(key);
    (this.released[layer] ??= []).push(index);
    this.releasedCount++;
  }

  /** The tasks gathered since the last take (null if none), and a fresh batch. */
  takeTasks(): TaskBatch | null {
    if (!this.tasks.layer.length) return null;
    const b = this.tasks;
    this.tasks = TaskBatcher.emptyTasks();
    this.layerAt = new Map();
    return b;
  }

  /**
   * Chunks still running and chunks released since the last take (null if none). Tasks that
   * started and finished within one batch are left out of `started`: their record follows in the
   * same flush, and at 10^5 short tasks that halves what the window receives.
   */
  takeChunks(): ChunkBatch | null {
    if (!this.started.size && !this.releasedCount) return null;
    const started: Record<string, string[]> = {};
    for (const key of this.started) {
      const [layer, index] = splitKey(key);
      (started[layer] ??= []).push(index);
    }
    const b = { started, released: this.released };
    this.started = new Set();
    this.released = {};
    this.releasedCount = 0;
    return b;
  }
}

/** Task records (as the job history keeps them) as one batch. */
export function recordsToBatch(records: readonly TaskRecordEvent[]): TaskBatch | null {
  const b = new TaskBatcher();
  for (const r of records) b.addTask(r);
  return b.takeTasks();
}

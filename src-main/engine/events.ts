/**
 * Engine events. The task stream follows Dask's shape: one record per task with its key, layer,
 * worker lane, when it became ready (main thread), start and stop (epoch milliseconds, measured in
 * the worker around the native call),
 * kind, and bytes in and out. Memory samples pair managed bytes (the chunk store) with the
 * process's resident set.
 */
import type { TaskSpec } from './graph.js';

export interface TaskRecord {
  key: string;
  layer: string;
  kind: TaskSpec['kind'];
  worker: number;
  /** When the task's inputs were all done (main thread clock; epoch milliseconds). */
  ready: number;
  start: number;
  stop: number;
  bytesIn: number;
  bytesOut: number;
}

export interface MemorySample {
  t: number;
  storeBytes: number;
  rssBytes: number;
  /** Of the resident bytes, those backed by files: mapped input pages, which the kernel may drop
   * and read again (not memory the job holds), and the program's code. */
  mappedBytes: number;
  /** Managed bytes held per worker lane (by the worker that made each chunk). */
  perWorker: number[];
  limitBytes: number | null;
  /** Bytes of the job's chunks spilled to disk at that moment (not in storeBytes). */
  spilledBytes?: number;
}

export interface Progress {
  done: number;
  total: number;
  running: number;
  /** Per layer: tasks done, running and total. */
  layers: Record<string, { done: number; running: number; total: number }>;
}

/**
 * What the bus carries: the low-rate events (memory samples every 50 ms, progress at most every
 * 50 ms). The per-task stream goes into the run's TaskLog instead (task-log.ts), which costs the
 * scheduling thread a few array writes per task rather than a listener call.
 */
export type EngineEvent =
  | { type: 'memory'; sample: MemorySample }
  | { type: 'progress'; progress: Progress }
  /** The names of the worker lanes, by lane number, where they are not this machine's "worker N" (a cluster's threads). */
  | { type: 'lanes'; names: string[] };

export type EventListener = (e: EngineEvent) => void;

/** A minimal synchronous event bus; listeners must be cheap (the UI host batches on its side). */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  on(l: EventListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  emit(e: EngineEvent): void {
    for (const l of this.listeners) l(e);
  }

  get size(): number {
    return this.listeners.size;
  }
}

/**
 * The task stream of one scheduler run, kept as columns: every finished task (in finishing order)
 * with its worker, times and bytes; the order tasks were dispatched in; and the order chunks were
 * released in. The scheduler appends with a few typed-array writes per task - no objects, no
 * listener calls - so watching a job of 10^5 tasks costs its scheduling thread next to nothing. A
 * watcher (the window's event stream, service/task-stream.ts) reads the new entries at its own
 * pace through cursors of its own; the records a job returns are made from the log once, at the end.
 *
 * Every task finishes at most once and is released at most once; a task is dispatched once (the
 * scheduler never retries), so columns sized to the graph never grow. The scheduling thread's own
 * disk work when a job spills (api/disk-layers.ts) is few and large, and goes to a plain list.
 */
import type { TaskRecord } from './events.js';
import type { TaskGraph } from './graph.js';

export const TaskState = { Waiting: 0, Running: 1, Finished: 2 } as const;

export class TaskLog {
  graph: TaskGraph | null = null;
  /** Per task (by number in graph.tasks): waiting, running or finished. */
  state = new Uint8Array(0);

  /** Finished tasks, in finishing order: `finished` entries of each column are filled. */
  finished = 0;
  task = new Int32Array(0);
  worker = new Int32Array(0);
  ready = new Float64Array(0);
  start = new Float64Array(0);
  stop = new Float64Array(0);
  bytesIn = new Float64Array(0);
  bytesOut = new Float64Array(0);

  /** Task numbers in dispatch order. */
  dispatched = 0;
  dispatchOrder = new Int32Array(0);

  /** Task numbers whose chunk was released, in release order. */
  released = 0;
  releaseOrder = new Int32Array(0);

  /** Spills and reads back (kinds 'spill', 'unspill'), in the order they were done. */
  disk: TaskRecord[] = [];

  /** Sizes the columns for a graph (a log records one run). */
  begin(graph: TaskGraph): void {
    const n = graph.tasks.length;
    this.graph = graph;
    this.state = new Uint8Array(n);
    this.task = new Int32Array(n);
    this.worker = new Int32Array(n);
    this.ready = new Float64Array(n);
    this.start = new Float64Array(n);
    this.stop = new Float64Array(n);
    this.bytesIn = new Float64Array(n);
    this.bytesOut = new Float64Array(n);
    this.dispatchOrder = new Int32Array(n);
    this.releaseOrder = new Int32Array(n);
    this.finished = this.dispatched = this.released = 0;
    this.disk = [];
  }

  dispatch(i: number): void {
    this.state[i] = TaskState.Running;
    this.dispatchOrder[this.dispatched++] = i;
  }

  /** A running task that will not finish (its worker failed): back to waiting. */
  drop(i: number): void {
    this.state[i] = TaskState.Waiting;
  }

  finish(i: number, worker: number, ready: number, start: number, stop: number, bytesIn: number, bytesOut: number): void {
    const k = this.finished++;
    this.state[i] = TaskState.Finished;
    this.task[k] = i;
    this.worker[k] = worker;
    this.ready[k] = ready;
    this.start[k] = start;
    this.stop[k] = stop;
    this.bytesIn[k] = bytesIn;
    this.bytesOut[k] = bytesOut;
  }

  release(i: number): void {
    this.releaseOrder[this.released++] = i;
  }

  /** A spill or read back, done by the scheduling thread (its key names the graph task: `spill:<number>`). */
  diskWork(r: TaskRecord): void {
    this.disk.push(r);
  }

  /** The finished tasks, then the disk work, as records (what the history, traces and profiles keep). */
  records(): TaskRecord[] {
    const tasks = this.graph?.tasks ?? [];
    const out = new Array<TaskRecord>(this.finished + this.disk.length);
    for (let k = 0; k < this.finished; k++) {
      const t = tasks[this.task[k]];
      out[k] = {
        key: t.key, layer: t.layer, kind: t.spec.kind, worker: this.worker[k], ready: this.ready[k],
        start: this.start[k], stop: this.stop[k], bytesIn: this.bytesIn[k], bytesOut: this.bytesOut[k],
      };
    }
    for (let k = 0; k < this.disk.length; k++) out[this.finished + k] = this.disk[k];
    return out;
  }
}

/**
 * The Backend of this machine: the engine (worker threads over the native store, or this thread
 * for the sync scheduler) running the array collection's graphs (collections/array/compute.ts).
 * It owns its engine: closing the backend closes the engine.
 */
import { computeArrays, type ComputeResult, type OutputRequest } from '../collections/array/compute.js';
import { computeDense, computeTables, type TableComputeOptions, type TableComputeResult, type TableNode, type TableOutput } from '../collections/dataframe/index.js';
import { type ComputeOptions, Engine, type EngineOptions } from '../engine/engine.js';
import { computeDelayed, type DelayedComputeResult, type DelayedRequest } from '../collections/delayed/index.js';
import { type BagComputeOptions, type BagComputeResult, type BagPlan, computeBags } from '../collections/bag/index.js';
import type { Backend, DenseTables } from './backend.js';

let nextDense = 1;

export class LocalBackend implements Backend {
  readonly name = 'local';

  constructor(readonly engine: Engine) {}

  static async start(opts: EngineOptions = {}): Promise<LocalBackend> {
    return new LocalBackend(await Engine.start(opts));
  }

  get workers(): number {
    return this.engine.workers;
  }

  get simd(): string {
    return this.engine.simd;
  }

  get failure(): Error | null {
    return this.engine.pool?.failure ?? null;
  }

  computeArrays(outputs: OutputRequest[], opts: ComputeOptions): Promise<ComputeResult> {
    return computeArrays(this.engine, outputs, opts);
  }

  async computeDense(items: { name: string; node: TableNode; matrix: boolean }[], opts: ComputeOptions): Promise<DenseTables> {
    const { tables, owner, ...run } = await computeDense(this.engine, items, opts);
    const name = `dense-${nextDense++}`;
    const kept = tables.map((t) => ({ ...t, keys: t.chunks.map((_, i) => `${name}-${t.name}:${i}`) }));
    this.engine.keep(name, owner, kept.flatMap((t) => t.chunks.map((c, i) => ({ key: t.keys[i], id: c.id }))));
    return {
      run,
      tables: kept.map(({ chunks, ...t }) => ({ ...t, rows: chunks.map((c) => c.rows) })),
      release: () => { this.engine.drop(name); },
    };
  }

  computeTables(outputs: { name: string; output: TableOutput }[], opts: TableComputeOptions): Promise<TableComputeResult> {
    return computeTables(this.engine, outputs, opts);
  }

  computeBags(outputs: { name: string; plan: BagPlan }[], opts: BagComputeOptions): Promise<BagComputeResult> {
    return computeBags(this.engine, outputs, opts);
  }

  computeDelayed(request: DelayedRequest, opts: ComputeOptions): Promise<DelayedComputeResult> {
    return computeDelayed(this.engine, request, opts);
  }

  freeKept(owner: number): void {
    this.engine.freeJob(owner);
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}

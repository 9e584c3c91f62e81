/**
 * The chunk layout panel: each array layer's grid, chunk states following the job's events, and
 * each chunk's index, shape and bytes on hover.
 */
import { mount } from '@vue/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import type { ApiEvent } from '../../dist/src-main/api/contract.js';
import ChunkLayoutPanel from '../../src-renderer/components/ChunkLayoutPanel.vue';
import { cellState, MAX_COLS, MAX_ROWS, planeOf } from '../../src-renderer/chunk-plane';
import { applyEvent, type ChunkLayer, chunkLayers, ChunkState, job, resetJob } from '../../src-renderer/job-store';
import { realJobEvents } from './real-job';

let events: ApiEvent[];
beforeAll(async () => {
  // A 2-D array of 5 x 3 chunks (the last row and column short), squared then reduced per row.
  events = await realJobEvents({ tessera: 1, datasets: { x: { random: 'uniform', shape: [45, 25], seed: 3, chunks: [10, 10] } }, outputs: { r: '(x ** 2).sum(axis=1)' } });
});

const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));

describe('chunk layout panel', () => {
  it('shows each array layer as its chunk grid, moving chunks from waiting to running to in memory to released', async () => {
    resetJob(events[0].data.jobId);
    const w = mount(ChunkLayoutPanel);
    const started = events.find((e) => e.event === 'job.started')!;
    applyEvent(started);
    await nextTick();
    const grid = [...chunkLayers.values()].find((l) => l.counts.join() === '5,3')!;
    expect(grid).toBeDefined();
    expect([...grid.states].every((s) => s === ChunkState.Waiting)).toBe(true);
    // The job's own events, then a replay of one chunk's life in the order a slow task has it:
    // started (running), finished (in memory), released, and a late "started" changes nothing.
    for (const e of events.slice(events.indexOf(started) + 1)) applyEvent(e);
    expect(grid.states.every((s) => s === ChunkState.InMemory || s === ChunkState.Released)).toBe(true);
    const jobId = events[0].data.jobId;
    // Chunk (2, 1) is number 7 of the 5 x 3 grid; its layer is named by its place in the job's layers.
    const layer = Int32Array.of(started.data.layers.findIndex((l) => l.name === grid.name));
    const chunk = Int32Array.of(7);
    const change = (state: ChunkState) => applyEvent({ event: 'job.chunks', data: { jobId, layer, chunk, state: Uint8Array.of(state) } });
    grid.states[7] = ChunkState.Waiting;
    change(ChunkState.Running);
    expect(grid.states[7]).toBe(ChunkState.Running);
    applyEvent({ event: 'job.tasks', data: { jobId, layer, chunk, worker: Int32Array.of(1), start: Float64Array.of(1000), stop: Float64Array.of(1002), bytesIn: Float64Array.of(800), bytesOut: Float64Array.of(80) } });
    expect(grid.states[7]).toBe(ChunkState.InMemory);
    change(ChunkState.Released);
    expect(grid.states[7]).toBe(ChunkState.Released);
    change(ChunkState.Running);
    expect(grid.states[7]).toBe(ChunkState.Released);
    applyEvent(events.at(-1)!); // the job's end: the panels are brought up to date at once
    await nextTick();
    await frame();
    const canvas = w.find(`canvas[data-layer="${grid.name}"]`);
    const counts = canvas.attributes('data-counts')!.split(',').map(Number);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(15);
    expect(counts[ChunkState.Waiting]).toBe(0);
  });

  it('names a chunk\'s index, shape and bytes on hover', async () => {
    resetJob(events[0].data.jobId);
    for (const e of events) applyEvent(e);
    const w = mount(ChunkLayoutPanel);
    await nextTick();
    const grid = [...chunkLayers.values()].find((l) => l.counts.join() === '5,3')!;
    const canvas = w.find(`canvas[data-layer="${grid.name}"]`);
    // Cells are 24 px here (few chunks): row 4, column 2 is the last, short chunk (5 x 5).
    await canvas.trigger('mousemove', { offsetX: 2 * 24 + 3, offsetY: 4 * 24 + 3 });
    const tip = w.find('[data-testid="chunk-tip"]').text();
    expect(tip).toContain('chunk (4, 2)');
    expect(tip).toContain('shape (5, 5)');
    // The bytes the task reported making: here a partial sum per row (5 rows, sum and compensation).
    const li = job.layers.findIndex((l) => l.name === grid.name);
    const last = 4 * 3 + 2; // chunk (4, 2)
    const batch = events.flatMap((e) => (e.event === 'job.tasks' ? [e.data] : [])).find((b) => b.layer.some((l, k) => l === li && b.chunk[k] === last))!;
    const k = batch.layer.findIndex((l, j) => l === li && batch.chunk[j] === last);
    expect(batch.bytesOut[k]).toBe(5 * 2 * 8);
    expect(tip).toContain('80 B');
  });

  it('groups a grid too large to draw chunk by chunk, showing running chunks first and the majority otherwise', () => {
    const n = 114_289;
    const layer: ChunkLayer = { name: 'l', grid: [new Array(n).fill(1000)], counts: [n], itemsize: 8, states: new Uint8Array(n), bytes: new Float64Array(n) };
    layer.states.fill(ChunkState.Released, 0, 60_000);
    layer.states[59_990] = ChunkState.Running;
    const plane = planeOf(layer, []);
    expect(plane.cols).toBe(MAX_COLS);
    expect(plane.rows).toBeLessThanOrEqual(MAX_ROWS);
    const counts = plane.counts();
    let total = 0;
    for (const c of counts) total += c;
    expect(total).toBe(n);
    const perCell = Math.ceil(n / (MAX_COLS * MAX_ROWS));
    const cellOf = (k: number) => Math.floor(k / perCell);
    expect(cellState(counts, cellOf(0))).toBe(ChunkState.Released);
    expect(cellState(counts, cellOf(59_990))).toBe(ChunkState.Running);
    expect(cellState(counts, cellOf(n - 1))).toBe(ChunkState.Waiting);
    const r = Math.floor(cellOf(59_990) / plane.cols), q = cellOf(59_990) % plane.cols;
    expect(plane.chunksAt(r, q).ats).toContain(59_990);
  });

  it('shows the last two dimensions of a 3-D grid at the slider\'s index', () => {
    const layer: ChunkLayer = { name: 'l', grid: [[2, 2, 2], [5, 5], [4, 4, 4, 4]], counts: [3, 2, 4], itemsize: 8, states: new Uint8Array(24), bytes: new Float64Array(24) };
    layer.states[1 * 8 + 1 * 4 + 2] = ChunkState.InMemory; // chunk (1, 1, 2)
    const plane = planeOf(layer, [1]);
    expect([plane.rows, plane.cols]).toEqual([2, 4]);
    expect(plane.chunksAt(1, 2)).toEqual({ first: [1, 1, 2], ats: [14] });
    expect(cellState(plane.counts(), 1 * 4 + 2)).toBe(ChunkState.InMemory);
    expect(cellState(planeOf(layer, [0]).counts(), 1 * 4 + 2)).toBe(ChunkState.Waiting);
  });
});

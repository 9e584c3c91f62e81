/**
 * The chunk layout panel: each array layer's grid, chunk states following the job's events, and
 * each chunk's index, shape and bytes on hover.
 */
import { mount } from '@vue/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import type { ApiEvent } from '../../dist/src-main/api/contract.js';
import ChunkLayoutPanel from '../../src-renderer/components/ChunkLayoutPanel.vue';
import { applyEvent, chunkLayers, ChunkState, resetJob } from '../../src-renderer/job-store';
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
    let running = 0, seenMemory = false;
    for (const e of events.slice(events.indexOf(started) + 1)) {
      applyEvent(e);
      running = Math.max(running, grid.states.filter((s) => s === ChunkState.Running).length);
      seenMemory ||= grid.states.some((s) => s === ChunkState.InMemory);
    }
    expect(seenMemory).toBe(true);
    expect(grid.states.every((s) => s === ChunkState.InMemory || s === ChunkState.Released)).toBe(true);
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
    const record = events.flatMap((e) => (e.event === 'job.tasks' ? e.data.records : [])).find((r) => r.key === `${grid.name}:4,2`)!;
    expect(record.bytesOut).toBe(5 * 2 * 8);
    expect(tip).toContain('80 B');
  });
});

/** The graph panel: one node per layer with its task count, edges for inputs, expandable to tasks. */
import { mount } from '@vue/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../dist/src-main/api/contract.js';
import GraphPanel from '../../src-renderer/components/GraphPanel.vue';
import { applyEvent, job, resetJob } from '../../src-renderer/job-store';
import { realJobEvents } from './real-job';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const EXAMPLES = resolve('examples/delayed');

let events: ApiEvent[];
beforeAll(async () => {
  events = await realJobEvents({ tessera: 1, datasets: { x: { random: 'uniform', shape: [64, 48], seed: 3, chunks: [16, 16] } }, outputs: { c: '(x - x.mean(axis=0)).sum(axis=1)' } });
});

function feed(): void {
  resetJob(events[0].data.jobId);
  for (const e of events) applyEvent(e);
}

describe('graph panel', () => {
  it('draws each layer once with its task count and an edge per input layer', async () => {
    feed();
    const w = mount(GraphPanel);
    const started = events.find((e) => e.event === 'job.started')!.data as { layers: { label: string; tasks: number; deps: string[] }[]; tasks: number };
    const nodes = w.findAll('[data-testid^="graph-node-"]');
    expect(nodes.length).toBe(started.layers.length);
    for (const l of started.layers) expect(w.find(`[data-testid="graph-node-${l.label}"]`).text()).toContain(`${l.tasks} task`);
    expect(w.findAll('path.edge').length).toBe(started.layers.reduce((n, l) => n + l.deps.length, 0));
    expect(started.layers.reduce((n, l) => n + l.tasks, 0)).toBe(started.tasks);
    // Done: every layer's progress bar is full.
    for (const bar of w.findAll('rect.progress')) expect(Number(bar.attributes('width'))).toBe(150);
  });

  it('draws a delayed job node by node with its functions, like dask\'s visualize()', async () => {
    const spec = JSON.parse(readFileSync(join(EXAMPLES, 'job.json'), 'utf8'));
    const delayedEvents = await realJobEvents({ ...spec, functions: join(EXAMPLES, 'pipeline.ts') }, {}, join(EXAMPLES, 'pipeline.ts'));
    expect(delayedEvents.at(-1)!.event).toBe('job.done');
    resetJob(delayedEvents[0].data.jobId);
    for (const e of delayedEvents) applyEvent(e);
    const w = mount(GraphPanel);
    const count = (label: string) => w.findAll(`[data-testid="graph-node-${label}"]`).length;
    expect([count('inc()'), count('double()'), count('add()'), count('total()')]).toEqual([5, 5, 5, 1]);
    expect(w.findAll('path.edge').length).toBe(15); // each add reads an inc and a double; total reads the five adds
  });

  it('expands to one node per task with an edge per dependency', async () => {
    feed();
    const w = mount(GraphPanel);
    await w.find('[data-testid="graph-expand"]').trigger('click');
    expect(w.findAll('[data-testid="graph-task"]').length).toBe(job.graph!.keys.length);
    expect(w.findAll('line.edge').length).toBe(job.graph!.deps.reduce((n, d) => n + d.length, 0));
    // Each column is headed by its layer, and the drawing scales to the panel.
    const headings = w.findAll('[data-testid="graph-column"]');
    expect(headings.length).toBeGreaterThan(0);
    for (const h of headings) expect(h.text().length).toBeGreaterThan(0);
    expect(w.find('[data-testid="graph-tasks"]').attributes('style')).toContain('width: 100%');
  });
});

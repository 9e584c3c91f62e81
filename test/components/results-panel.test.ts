/** Results: scalars with dtype, arrays with a preview and a histogram, lists, export through the transport. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mount } from '@vue/test-utils';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiEvent } from '../../dist/src-main/api/contract.js';
import ResultsPanel from '../../src-renderer/components/ResultsPanel.vue';
import { applyEvent, resetJob } from '../../src-renderer/job-store';
import { realJobEvents } from './real-job';
import { tempDir } from '../helpers/engine.js';

let events: ApiEvent[];
beforeAll(async () => {
  events = await realJobEvents({ tessera: 1, datasets: { x: { arange: [0, 1000], chunks: 100 } }, outputs: { total: 'x.sum()', sq: '(x % 10) ** 2' } });
});

describe('results panel', () => {
  it('shows scalars with dtype, arrays with a preview and a histogram, and exports through the transport', async () => {
    resetJob(events[0].data.jobId);
    for (const e of events) applyEvent(e);
    const saveExport = vi.fn(async () => undefined);
    const w = mount(ResultsPanel, { props: { transport: { saveExport } as never } });
    expect(w.find('[data-testid="result-total"]').text()).toContain('int64');
    expect(w.find('[data-testid="result-total"]').text()).toContain('499500');
    expect(w.find('[data-testid="result-sq"]').text()).toContain('(1000) 0, 1, 4, 9, 16');
    // (x % 10) ** 2 takes the values 0, 1, 4, ..., 81, a hundred times each; over 32 bins of
    // width 81/32, 0 and 1 share the first bin (as numpy.histogram has it) and the rest have one each.
    const counts = w.find('[data-testid="histogram-sq"]').attributes('data-counts')!.split(',').map(Number);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(counts.filter((c) => c > 0)).toEqual([200, ...new Array(8).fill(100)]);
    expect(counts[31]).toBe(100); // 81, the maximum, in the last bin
    expect(w.findAll('[data-testid="histogram-sq"] rect.bar')).toHaveLength(32);
    await w.find('[data-testid="export-sq"]').trigger('click');
    await w.find('[data-testid="export-trace"]').trigger('click');
    expect(saveExport.mock.calls).toEqual([[events[0].data.jobId, 'out.sq'], [events[0].data.jobId, 'trace']]);
    expect(w.find('[data-testid="stats"]').text()).toContain('on 2 workers');
  });

  it('shows a bag\'s word counts as a list with its first pairs, exported as JSON lines', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'words.txt'), 'a b a c a b\n');
    const bag = await realJobEvents({ tessera: 1, datasets: { t: { text: join(dir, 'words.txt') } }, outputs: { top: 't.str.split().flatten().frequencies()' } });
    resetJob(bag[0].data.jobId);
    for (const e of bag) applyEvent(e);
    const saveExport = vi.fn(async () => undefined);
    const w = mount(ResultsPanel, { props: { transport: { saveExport } as never } });
    expect(w.find('[data-testid="result-top"]').text()).toContain('list of 3 ["a",3], ["b",2], ["c",1]');
    expect(w.find('[data-testid="export-top"]').text()).toBe('.json');
    // The pairs as a grid of item and count, with the bar chart of a group-by.
    const grid = w.find('[data-testid="list-top"]');
    expect(grid.findAll('th').map((h) => h.text()).join(' ')).toMatch(/item.*string.*count.*int64/);
    expect(grid.find('[data-testid="bar-chart"]').attributes('data-bars')).toBe('3');
    await w.find('[data-testid="export-top"]').trigger('click');
    expect(saveExport.mock.calls).toEqual([[bag[0].data.jobId, 'out.top']]);
  });

  it('shows complex results as numbers (a + bj), with no histogram, and exports them as complex .npy', async () => {
    const fft = await realJobEvents({ tessera: 1, datasets: { x: { arange: [0, 8], dtype: 'float64', chunks: 3 } }, outputs: { f: 'np.fft.fft(x)[:3]', s: 'np.fft.fft(x).sum()' } });
    resetJob(fft[0].data.jobId);
    for (const e of fft) applyEvent(e);
    const saveExport = vi.fn(async () => undefined);
    const w = mount(ResultsPanel, { props: { transport: { saveExport } as never } });
    expect(w.find('[data-testid="result-f"]').text()).toContain('complex128');
    expect(w.find('[data-testid="result-f"]').text()).toContain('(3) 28+0j, -4+9.65685j, -4+4j');
    expect(w.find('[data-testid="result-s"]').text()).toMatch(/complex128.*[\d.e-]+\+0j/);
    expect(w.find('[data-testid="histogram-f"]').exists()).toBe(false);
    await w.find('[data-testid="export-f"]').trigger('click');
    expect(saveExport.mock.calls).toEqual([[fft[0].data.jobId, 'out.f']]);
  });

  it('shows a failed task\'s key with the error and its hint', async () => {
    resetJob('job-x');
    applyEvent({ event: 'job.failed', data: { jobId: 'job-x', error: { code: 'KERNEL_ERROR', message: 'the kernel threw', hint: 'report it', task: 'sqrt-3:2' } } });
    const w = mount(ResultsPanel, { props: { transport: null } });
    expect(w.find('[data-testid="error"]').text()).toContain('KERNEL_ERROR');
    expect(w.find('[data-testid="error-task"]').text()).toBe('in task sqrt-3:2');
  });
});

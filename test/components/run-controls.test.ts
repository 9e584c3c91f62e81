/** Run controls: chunk sizes edited per dataset in the spec, worker count, scheduler, Run / Cancel. */
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import RunControls from '../../src-renderer/components/RunControls.vue';
import { parseChunks } from '../../src-renderer/format';

function controls(datasets: string) {
  const model = { datasets, workers: null as number | null, scheduler: 'threads', memoryLimit: '' };
  const w = mount(RunControls, {
    props: {
      running: false, connected: true, hostWorkers: 2, ...model,
      'onUpdate:datasets': (v: string) => { model.datasets = v; },
      'onUpdate:workers': (v: number | null) => { model.workers = v; },
      'onUpdate:scheduler': (v: string) => { model.scheduler = v; },
    } as never,
  });
  return { w, model };
}

describe('run controls', () => {
  it('edits each dataset\'s chunks in the spec, and marks text that is not a chunking', async () => {
    const { w, model } = controls('{"x": {"random": "uniform", "shape": [1000000], "chunks": [100000]}, "a": {"npy": "a.npy"}}');
    expect((w.find('[data-testid="chunks-x"]').element as HTMLInputElement).value).toBe('100000');
    expect((w.find('[data-testid="chunks-a"]').element as HTMLInputElement).value).toBe('auto');
    await w.find('[data-testid="chunks-x"]').setValue('250000');
    expect(JSON.parse(model.datasets).x).toEqual({ random: 'uniform', shape: [1000000], chunks: 250000 });
    await w.find('[data-testid="chunks-a"]').setValue('100, 50');
    expect(JSON.parse(model.datasets).a.chunks).toEqual([100, 50]);
    await w.find('[data-testid="chunks-a"]').setValue('lots');
    expect(w.find('[data-testid="chunks-a"]').classes()).toContain('bad');
    expect(JSON.parse(model.datasets).a.chunks).toEqual([100, 50]);
  });

  it('gives a text or JSON-lines bag a blocksize and labels a bag of values by its partitions', async () => {
    const { w, model } = controls('{"t": {"text": "corpus.txt"}, "e": {"jsonl": "e.jsonl"}, "s": {"sequence": [1, 2, 3], "npartitions": 2}, "r": {"range": 10}}');
    expect((w.find('[data-testid="blocksize-t"]').element as HTMLInputElement).value).toBe('auto');
    await w.find('[data-testid="blocksize-e"]').setValue('1MB');
    expect(JSON.parse(model.datasets).e).toEqual({ jsonl: 'e.jsonl', blocksize: '1MB' });
    expect(w.find('[data-testid="chunks-s"]').text()).toBe('s: 2 partitions');
    expect(w.find('[data-testid="chunks-r"]').text()).toBe('r: partitions as dask');
    expect(w.find('[data-testid="chunks-t"]').exists()).toBe(false); // no chunks field a bag would refuse
  });

  it('sets the worker count and scheduler, and runs', async () => {
    const { w, model } = controls('{}');
    await w.find('[data-testid="workers"]').setValue('1');
    expect(model.workers).toBe(1);
    await w.find('[data-testid="workers"]').setValue('');
    expect(model.workers).toBeNull();
    await w.find('[data-testid="scheduler"]').setValue('sync');
    expect(model.scheduler).toBe('sync');
    await w.find('[data-testid="run"]').trigger('click');
    expect(w.emitted('run')).toHaveLength(1);
    expect(w.find('[data-testid="cancel"]').attributes('disabled')).toBeDefined();
  });

  it('parses chunk text as the job spec takes it', () => {
    expect(parseChunks('auto')).toBe('auto');
    expect(parseChunks(' 1000 ')).toBe(1000);
    expect(parseChunks('10 × 20')).toEqual([10, 20]);
    expect(parseChunks('0')).toBeNull();
    expect(parseChunks('1.5')).toBeNull();
    expect(parseChunks('64MB')).toBe('64MB');
  });
});

/**
 * Completion over table datasets, with the vocabulary the real service sends: columns and frame
 * methods after "t.", Series methods after a column, aggregations after a group-by, .str and .dt
 * names; and the datasets panel and run controls for tables.
 */
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import DatasetsPanel from '../../src-renderer/components/DatasetsPanel.vue';
import JobEditor from '../../src-renderer/components/JobEditor.vue';
import RunControls from '../../src-renderer/components/RunControls.vue';
import { applyCompletion, completions } from '../../src-renderer/completion';
import { datasetStore, tableColumns } from '../../src-renderer/dataset-store';
import { realHello } from './real-job';

let vocabulary: Awaited<ReturnType<typeof realHello>>['vocabulary'];
beforeAll(async () => { vocabulary = (await realHello()).vocabulary; });

const tables = { t: ['origin', 'delay', 'dest', 'departure'] };
const items = (text: string, limit = 40) => completions(text, text.length, vocabulary, ['t', 'a'], limit, tables)?.items ?? [];

describe('completion over tables', () => {
  it('offers columns, then frame methods, after a table name', () => {
    expect(items('t.de')).toEqual(['delay', 'dest', 'departure']);
    expect(items('t.d')).toEqual(['delay', 'dest', 'departure', 'dropna', 'drop_duplicates']);
    expect(items('t.h')).toEqual(['head']);
    expect(items('t.g')).toEqual(['groupby']);
    expect(items('t[t.delay > 15].or')).toEqual(['origin']);
    expect(items("t[['origin', 'delay']].he")).toEqual(['head']);
    expect(items('t.head(10).a')).toEqual(['assign']);
    expect(items('le')).toContain('len');
  });

  it('offers Series methods after a column, aggregations after a group-by, and .str/.dt names', () => {
    expect(items('t.delay.is')).toEqual(['isin', 'isna', 'isnull']);
    expect(items("t['delay'].fi")).toEqual(['first', 'fillna']);
    expect(items('t.delay.m')).toEqual(expect.arrayContaining(['mean', 'max', 'min']));
    expect(items("t.groupby('origin').")).toEqual([]); // nothing typed yet: nothing offered
    expect(items("t.groupby('origin').a")).toEqual(['agg']);
    expect(items("t[t.delay > 15].groupby('origin').s")).toEqual(['std', 'sum', 'size']);
    expect(items("t.groupby(['origin', t.departure.dt.hour]).delay.me")).toEqual(['mean']);
    expect(items("t.groupby('origin').de")).toEqual(['delay', 'dest', 'departure']); // a column to select
    expect(items('t.origin.str.st')).toEqual(['startswith']);
    expect(items('t.departure.dt.ho')).toEqual(['hour']);
    expect(items('t.origin.str.lower().is')).toEqual(['isin', 'isna', 'isnull']);
    // Arrays keep the array methods.
    expect(items('a.me')).toEqual(['mean']);
  });

  it('inserts "(" after methods, not after columns or .dt fields', () => {
    const apply = (text: string, item: string) => applyCompletion(text, completions(text, text.length, vocabulary, ['t'], 40, tables)!, item, vocabulary, tables.t).text;
    expect(apply('t.gr', 'groupby')).toBe('t.groupby(');
    expect(apply('t.de', 'delay')).toBe('t.delay');
    expect(apply('t.departure.dt.ho', 'hour')).toBe('t.departure.dt.hour');
    expect(apply("t.groupby('o').ag", 'agg')).toBe("t.groupby('o').agg(");
  });

  it('knows a spec\'s tables: listed CSV/Parquet paths and the generated timeseries', () => {
    const listed = [{ name: 'trips', path: '/d/trips.csv', kind: 'table' as const, format: 'csv' as const, files: 1, columns: [{ name: 'a', dtype: 'int64', nulls: null }], bytes: 1, rows: null, estimatedRows: 1, partitions: 1 }];
    expect(tableColumns({ x: { csv: '/d/trips.csv' }, y: { parquet: '/e/' }, ts: { timeseries: {} }, z: { arange: 3 } }, listed))
      .toEqual({ x: ['a'], y: [], ts: ['timestamp', 'id', 'name', 'x', 'y'] });
  });

  it('completes in the editor from the tables it is given', async () => {
    const outputs = [{ name: 'm', expr: '' }];
    const w = mount(JobEditor, { props: { error: null, vocabulary, tables, datasets: '{"t": {"csv": "x.csv"}}', outputs } as never, attachTo: document.body });
    const input = w.find('[data-testid="output-expr-0"]');
    (input.element as HTMLInputElement).value = 't.or';
    (input.element as HTMLInputElement).setSelectionRange(4, 4);
    await input.trigger('input');
    expect(w.findAll('[data-testid="completions"] li').map((l) => l.text())).toEqual(['origin']);
    await input.trigger('keydown', { key: 'Tab' });
    expect(outputs[0].expr).toBe('t.origin');
    w.unmount();
  });
});

describe('table datasets in the window', () => {
  afterEach(() => { vi.unstubAllGlobals(); });

  it('lists a table\'s schema (nulls unknown for CSV), rows, partitions and its preview', async () => {
    datasetStore.list.splice(0);
    const dataset = { name: 'trips', path: '/d/trips.csv', kind: 'table', format: 'csv', files: 1, bytes: 2048, rows: null, estimatedRows: 1200, partitions: 1, blocksize: 64e6,
      columns: [{ name: 'origin', dtype: 'string', nulls: null }, { name: 'delay', dtype: 'float64', nulls: null }] };
    const preview = { columns: ['origin', 'delay'], dtypes: ['string', 'float64'], rows: [['SFO', 12.5], ['JFK', null]] };
    const requests: unknown[] = [];
    const transport = { addDroppedFile: async () => dataset, request: async (m: string, p: unknown) => { if (m === 'listDatasets') return []; requests.push([m, p]); return preview; } };
    const w = mount(DatasetsPanel, { props: { transport: transport as never } });
    const dt = { items: [], files: [new File(['x'], 'trips.csv')] };
    await w.find('[data-testid="drop-zone"]').trigger('drop', { dataTransfer: dt });
    await flushPromises();
    expect(requests).toEqual([['previewDataset', { name: 'trips' }]]);
    expect(w.find('[data-testid="table-meta-trips"]').text()).toContain('about 1,200 rows (estimated) · 1 partition');
    expect(w.find('[data-testid="schema-trips"]').text()).toContain('delayfloat64unknown');
    expect(w.find('[data-testid="preview-trips"]').findAll('tr').length).toBe(3);
    expect(w.find('[data-testid="preview-trips"] td.null').text()).toBe('null');
    await w.find('[data-testid="use-trips"]').trigger('click');
    expect(w.emitted('use')![0]).toEqual([dataset]);
    w.unmount();
  });

  it('uploads a dropped folder of tables under one group (only its table files) and adds it as one dataset', async () => {
    datasetStore.list.splice(0);
    const file = (name: string) => ({ isFile: true, isDirectory: false, name, file: (ok: (f: File) => void) => ok(new File(['k\n1\n'], name)) });
    const dirEntry = (name: string, children: object[]) => {
      let read = false;
      return { isFile: false, isDirectory: true, name, createReader: () => ({ readEntries: (ok: (b: object[]) => void) => { ok(read ? [] : children); read = true; } }) };
    };
    const root = dirEntry('flights', [file('a.parquet'), file('_SUCCESS'), dirEntry('year=2024', [file('b.parquet')]), file('notes.txt')]);
    const puts: string[] = [];
    // Uploads go by XMLHttpRequest (for their progress): a stand-in that answers each PUT at once.
    vi.stubGlobal('XMLHttpRequest', class {
      upload = {}; status = 0; responseText = ''; url = ''; onload: () => void = () => {};
      open(_method: string, url: string) { this.url = url; }
      send() { puts.push(decodeURIComponent(this.url)); this.status = 200; this.responseText = '{}'; queueMicrotask(() => this.onload()); }
    });
    const folder = { name: 'flights', path: '/up/x-flights', kind: 'table', format: 'parquet', files: 2, bytes: 10, rows: 2, estimatedRows: 2, partitions: 2, columns: [{ name: 'k', dtype: 'int64', nulls: 0 }] };
    const requests: unknown[][] = [];
    const transport = { addDroppedFile: null, request: async (m: string, p: unknown) => { if (m === 'listDatasets') return []; requests.push([m, p]); return m === 'addUploadedFolder' ? folder : { columns: [], dtypes: [], rows: [] }; } };
    const w = mount(DatasetsPanel, { props: { transport: transport as never } });
    await w.find('[data-testid="drop-zone"]').trigger('drop', { dataTransfer: { items: [{ webkitGetAsEntry: () => root }], files: [] } });
    await flushPromises();
    const group = /group=([0-9a-f]+)/.exec(puts[0])![1];
    expect(puts.map((u) => u.replace(group, 'G'))).toEqual(['/upload?group=G&folder=flights&name=a.parquet', '/upload?group=G&folder=flights&name=year=2024/b.parquet']);
    expect(requests[0]).toEqual(['addUploadedFolder', { group }]);
    expect(w.find('[data-testid="table-meta-flights"]').text()).toContain('table · parquet · 2 files');
    w.unmount();
  });

  it('edits a CSV\'s blocksize, never "chunks", and offers nothing for Parquet and timeseries', async () => {
    let datasets = JSON.stringify({ t: { csv: '/d/trips.csv' }, p: { parquet: '/d/f/' }, ts: { timeseries: {} }, a: { arange: 10 } });
    const w = mount(RunControls, { props: { running: false, connected: true, hostWorkers: 2, datasets, workers: null, scheduler: 'threads', memoryLimit: '',
      'onUpdate:datasets': (v: string) => { datasets = v; } } as never });
    expect(w.find('[data-testid="chunks-t"]').exists()).toBe(false);
    const bs = w.find('[data-testid="blocksize-t"]');
    expect((bs.element as HTMLInputElement).value).toBe('auto');
    await bs.setValue('16MB');
    await bs.trigger('change');
    expect(JSON.parse(datasets).t).toEqual({ csv: '/d/trips.csv', blocksize: '16MB' });
    expect(w.find('[data-testid="chunks-p"]').element.tagName).toBe('SPAN');
    expect(w.find('[data-testid="chunks-ts"]').element.tagName).toBe('SPAN');
    expect(w.find('[data-testid="chunks-a"]').element.tagName).toBe('INPUT');
    w.unmount();
  });
});

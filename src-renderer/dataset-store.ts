/**
 * The datasets the window lists (dropped, opened or uploaded), and each table's preview, fed by
 * the host's answers. The editor's completion reads table schemas from here: a dataset of the
 * job spec whose `csv`/`parquet` path is a listed table has that table's columns; a generated
 * timeseries has its known columns.
 */
import { reactive } from 'vue';
import type { Dataset, Result, TableDataset } from '../src-main/api/contract';

export type Preview = Result<'previewDataset'>;

export const datasetStore = reactive({
  list: [] as Dataset[],
  /** By dataset name: its first rows, or why they could not be read. */
  previews: {} as Record<string, { rows?: Preview; error?: string }>,
});

/** Lists a dataset once, however often its file is dropped or opened; true when it is new. */
export function listDataset(d: Dataset): boolean {
  if (datasetStore.list.some((x) => x.path === d.path)) return false;
  datasetStore.list.push(d);
  return true;
}

/** The columns of dask's timeseries with its default dtypes (collections/dataframe/timeseries-source.ts). */
const TIMESERIES_DEFAULT = ['id', 'name', 'x', 'y'];

/** Per table dataset of a job spec (parsed datasets JSON): its column names, where known. */
export function tableColumns(specDatasets: Record<string, unknown>, listed: readonly Dataset[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, raw] of Object.entries(specDatasets)) {
    if (!raw || typeof raw !== 'object') continue;
    const d = raw as Record<string, unknown>;
    const path = typeof d.csv === 'string' ? d.csv : typeof d.parquet === 'string' ? d.parquet : null;
    if (path !== null) {
      const t = listed.find((x): x is TableDataset => x.kind === 'table' && x.path === path);
      out[name] = t ? t.columns.map((c) => c.name) : [];
    } else if (d.timeseries && typeof d.timeseries === 'object') {
      const dtypes = (d.timeseries as { dtypes?: unknown }).dtypes;
      out[name] = ['timestamp', ...(dtypes && typeof dtypes === 'object' ? Object.keys(dtypes) : TIMESERIES_DEFAULT)];
    }
  }
  return out;
}

/** The job-spec entry that reads a listed dataset (of a store, its array `member`; '' is a Zarr array store itself). */
export function specEntry(d: Dataset, member?: string): Record<string, unknown> {
  if (d.kind === 'store') {
    const name = member ?? d.datasets[0]?.name ?? '';
    return name ? { [d.format]: d.path, dataset: name } : { [d.format]: d.path };
  }
  if (d.kind === 'table') return { [d.format]: d.path };
  if (d.kind === 'bag') return { [d.format]: d.path };
  return { npy: d.path, chunks: 'auto' };
}

/** The name a job gives a listed dataset: for an array of a store, its last path component (an identifier). */
export function specName(d: Dataset, member?: string): string {
  if (d.kind !== 'store' || !member) return d.name;
  return member.split('/').filter(Boolean).pop()!.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, '_') || d.name;
}

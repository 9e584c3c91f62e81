/**
 * The datasets a window lists: files the user dropped or opened, inspected and named so that
 * expressions can use them, and the web host's uploads (uploads.ts), which are datasets once
 * received. Uploads no kept job reads are pruned at the web host's start.
 *
 * Text and JSON lines (.txt, .log, .md, .jsonl, .ndjson, compressed too, or a folder of text files)
 * are bags, inspected by the bag collection (files, partitions, lines estimated, the first lines).
 * Arrays (.npy) are inspected by the array collection; tables (a .csv/.tsv or Parquet file, or a
 * folder of them) by the dataframe collection's inspect path (`tessera inspect`): the schema with
 * null counts where the format knows them (Parquet footers; CSV: unknown), rows (exact or
 * estimated) and partitions. Every file a table dataset reads becomes readable by the window's jobs.
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { BagDataset, Dataset, TableDataset } from '../api/contract.js';
import { inspectFile } from '../collections/array/files.js';
import { isZarrStore } from '../collections/array/zarr.js';
import { bagFormatOf, inspectText } from '../collections/bag/index.js';
import { csvFiles, inspectCsv, inspectParquet, isParquetPath, parquetFiles } from '../collections/dataframe/index.js';
import { TesseraError } from '../engine/errors.js';
import type { FileAccess } from './file-access.js';
import type { JobHistory } from './job-history.js';
import type { Uploads } from './uploads.js';

type Inspected = { info: Omit<Dataset, 'name'>; files: string[] };

/** Whether a path is a table: a .csv/.tsv/Parquet file, or a folder holding such files. */
async function tableFormat(path: string): Promise<'csv' | 'parquet' | null> {
  if (/\.(csv|tsv)$/i.test(path)) return 'csv';
  if (await isParquetPath(path)) return 'parquet';
  const s = await stat(path).catch(() => null);
  if (s?.isDirectory() && (await csvFiles(path).then((f) => f.length > 0, () => false))) return 'csv';
  return null;
}

/** Inspects a file or folder the user chose: an array, a table or a bag, and the files a job over it reads. */
export async function inspectDataset(path: string): Promise<Inspected> {
  if (await isZarrStore(path)) {
    const info = await inspectFile(resolve(path));
    return { info, files: [info.path] };
  }
  const bag = await bagFormatOf(path);
  if (bag) {
    const t = await inspectText(resolve(path), bag);
    const info: Omit<BagDataset, 'name'> = {
      path: resolve(path), kind: 'bag', format: bag, files: t.files.length, bytes: t.bytes, partitions: t.partitions,
      estimatedLines: t.estimatedLines, firstLines: t.firstLines,
    };
    return { info, files: t.files };
  }
  const format = await tableFormat(path);
  if (format === 'parquet') {
    const t = await inspectParquet(path);
    const info: Omit<TableDataset, 'name'> = {
      path: resolve(t.path), kind: 'table', format: 'parquet', files: t.files, bytes: t.bytes, rows: t.rows, estimatedRows: t.rows, partitions: t.partitions,
      columns: t.columns.map((c) => ({ name: c.name, dtype: c.unsupported ? `${c.unsupported} (not readable yet)` : c.dtype, nulls: c.nulls })),
    };
    return { info, files: (await parquetFiles(resolve(path))).map((f) => f.path) };
  }
  if (format === 'csv') {
    const t = await inspectCsv(path);
    const info: Omit<TableDataset, 'name'> = {
      path: resolve(t.path), kind: 'table', format: 'csv', files: t.files, bytes: t.bytes, rows: null, estimatedRows: t.estimatedRows, partitions: t.partitions,
      blocksize: t.blocksize, columns: t.columns.map((c) => ({ name: c.name, dtype: c.dtype, nulls: null })),
    };
    return { info, files: await csvFiles(path) };
  }
  const info = await inspectFile(path);
  return { info, files: [info.path] };
}

export class Datasets {
  private readonly byName = new Map<string, Dataset>();

  /** Uploaded files listed now, by their name and the SHA-256 of their bytes. */
  private readonly uploaded = new Map<string, Dataset>();
  /** Uploads being inspected and added now, by the same key: a copy of one arriving meanwhile waits for it. */
  private readonly adding = new Map<string, Promise<Dataset>>();
  /** Each upload's path on the host, and the name of the file the user dropped. */
  private readonly names = new Map<string, string>();

  constructor(private readonly uploads: Uploads, private readonly history: JobHistory, private readonly fileAccess?: FileAccess) {}

  /** Inspects a file (or a folder of table files) the user dropped or opened, and lists it under a name usable in expressions. */
  async add(path: string, fileName = basename(path)): Promise<Dataset> {
    const { info, files } = await inspectDataset(path);
    for (const f of files) await this.fileAccess?.allowFile(f);
    for (const d of this.byName.values()) if (d.path === info.path) return d;
    const base = fileName.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, '_') || 'data';
    let name = base;
    for (let k = 2; this.byName.has(name); k++) name = `${base}${k}`;
    const dataset = { name, ...info } as Dataset;
    this.byName.set(name, dataset);
    return dataset;
  }

  /**
   * Stores an uploaded file in the data folder, then adds it; a file that cannot be read as a
   * dataset is not kept. The same bytes under the same name dropped again are the dataset listed
   * already (the new copy goes), not a second one named "small2", also when both copies arrive at
   * once. Other bytes under the same name are another dataset. `declaredBytes`: the request's Content-Length.
   */
  async addUpload(name: string, body: NodeJS.ReadableStream, declaredBytes: number | null = null): Promise<Dataset> {
    const { path, sha256 } = await this.uploads.receive(name, body, declaredBytes);
    const key = `${name}\0${sha256}`;
    // The same file dropped twice at once: its first copy is still being inspected, so `uploaded`
    // does not list it yet. This copy waits for that one and is its dataset. If the first is
    // refused, this one is tried on its own (the loop: a third copy then waits for this one).
    for (let first = this.adding.get(key); first; first = this.adding.get(key)) {
      const d = await first.catch(() => null);
      if (d) {
        await this.uploads.discard(path);
        return d;
      }
    }
    const again = this.uploaded.get(key);
    if (again && this.byName.get(again.name) === again) {
      await this.uploads.discard(path);
      return again;
    }
    const adding = this.addStored(path, name);
    this.adding.set(key, adding);
    try {
      const d = await adding;
      this.uploaded.set(key, d);
      return d;
    } finally {
      if (this.adding.get(key) === adding) this.adding.delete(key);
    }
  }

  /**
   * Adds what an upload stored (a file or a dropped folder) under the name the user dropped it
   * by. Unreadable, it is not kept, and its error names the dropped file: messages say
   * "x.npy (uploaded)" (showPaths), not where the host keeps its copy, which means nothing to them.
   */
  private async addStored(path: string, name: string): Promise<Dataset> {
    this.names.set(path, name);
    try {
      return await this.add(path, name);
    } catch (e) {
      if (e instanceof TesseraError) e.message = this.showPaths(e.message);
      this.names.delete(path);
      await this.uploads.discard(path);
      throw e;
    }
  }

  /** `text` with each upload's path on the host shown as the file the user dropped. */
  showPaths(text: string): string {
    for (const [path, name] of this.names) text = text.split(path).join(`${name} (uploaded)`);
    return text;
  }

  /** Stores one file of a folder dropped on the web host's page (see addUploadedFolder). */
  async addUploadPart(group: string, folder: string, relPath: string, body: NodeJS.ReadableStream, declaredBytes: number | null = null): Promise<void> {
    await this.uploads.receiveInFolder(group, folder, relPath, body, declaredBytes);
  }

  /** Adds a dropped folder whose files arrived by addUploadPart as one dataset (a folder of tables); not kept if unreadable. */
  async addUploadedFolder(group: string): Promise<Dataset> {
    const dir = this.uploads.folderOf(group);
    if (!dir) throw new TesseraError('NOT_FOUND', 'no files of this folder arrived', 'drop the folder again');
    return this.addStored(dir, basename(dir).replace(/^[a-z0-9]+-[a-z0-9]+-/, ''));
  }

  /** Removes old uploads no job in the history reads and none listed now; returns how many. */
  async pruneUploads(minAgeMs?: number): Promise<number> {
    const keep = await this.history.inputs();
    for (const d of this.byName.values()) keep.add(d.path);
    return this.uploads.prune(keep, minAgeMs);
  }

  get(name: string): Dataset | undefined {
    return this.byName.get(name);
  }

  list(): Dataset[] {
    return [...this.byName.values()];
  }
}

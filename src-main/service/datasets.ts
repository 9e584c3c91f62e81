/**
 * The datasets a window lists: files the user dropped or opened, inspected and named so that
 * expressions can use them, and the web host's uploads (uploads.ts), which are datasets once
 * received. Uploads no kept job reads are pruned at the web host's start.
 */
import { basename } from 'node:path';
import type { Dataset } from '../api/contract.js';
import { inspectFile } from '../collections/array/files.js';
import type { FileAccess } from './file-access.js';
import type { JobHistory } from './job-history.js';
import type { Uploads } from './uploads.js';

export class Datasets {
  private readonly byName = new Map<string, Dataset>();

  constructor(private readonly uploads: Uploads, private readonly history: JobHistory, private readonly fileAccess?: FileAccess) {}

  /** Inspects a file the user dropped or opened, and lists it under a name usable in expressions. */
  async add(path: string, fileName = basename(path)): Promise<Dataset> {
    const info = await inspectFile(path);
    await this.fileAccess?.allowFile(info.path);
    for (const d of this.byName.values()) if (d.path === info.path) return d;
    const base = fileName.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, '_') || 'data';
    let name = base;
    for (let k = 2; this.byName.has(name); k++) name = `${base}${k}`;
    const dataset: Dataset = { name, ...info };
    this.byName.set(name, dataset);
    return dataset;
  }

  /**
   * Stores an uploaded file in the data folder, then adds it; a file that cannot be read as a
   * dataset is not kept. `declaredBytes`: the request's Content-Length.
   */
  async addUpload(name: string, body: NodeJS.ReadableStream, declaredBytes: number | null = null): Promise<Dataset> {
    const path = await this.uploads.receive(name, body, declaredBytes);
    try {
      return await this.add(path, name);
    } catch (e) {
      await this.uploads.discard(path);
      throw e;
    }
  }

  /** Removes old uploads no job in the history reads and none listed now; returns how many. */
  async pruneUploads(minAgeMs?: number): Promise<number> {
    const keep = await this.history.inputs();
    for (const d of this.byName.values()) keep.add(d.path);
    return this.uploads.prune(keep, minAgeMs);
  }

  list(): Dataset[] {
    return [...this.byName.values()];
  }
}

/**
 * Table datasets in the window's service: a dropped CSV, TSV, folder of CSVs or Parquet file is
 * inspected into a schema (null counts from Parquet footers, unknown for CSV), rows and
 * partitions; its preview is a small job through the run path; a window's jobs may read its
 * files (and only those); an upload of a CSV is a table too.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../dist/src-main/api/contract.js';
import { DatasetSchema } from '../dist/src-main/api/contract.js';
import { Engine } from '../dist/src-main/engine/engine.js';
import { FileAccess } from '../dist/src-main/service/file-access.js';
import { JobService } from '../dist/src-main/service/job-service.js';
import { handleRequest } from '../dist/src-main/service/rpc.js';
import { tempDir } from './helpers/engine.js';
import { duckdbSql } from './helpers/duckdb.js';


let engine: Engine;
let service: JobService;
const dataDir = tempDir();
const dir = tempDir();

beforeAll(async () => {
  engine = await Engine.start({ workers: 2 });
  service = new JobService(engine, { host: 'web', dataDir, baseDir: tempDir(), fileAccess: await FileAccess.create([join(dataDir, 'uploads')]) });
  writeFileSync(join(dir, 'trips.csv'), 'origin,delay,n\nSFO,12.5,1\nJFK,,2\nSFO,30,3\nLAX,-4,4\n');
  writeFileSync(join(dir, 'trips.tsv'), 'origin\tdelay\nSFO\t1.5\n');
  mkdirSync(join(dir, 'parts'));
  for (let k = 0; k < 3; k++) writeFileSync(join(dir, 'parts', `p${k}.csv`), `k,v\n${k},${k * 10}\n${k},${k * 10 + 1}\n`);
  const duck = await duckdbSql();
  const p = join(dir, 'flights.parquet').replace(/'/g, "''");
  await duck(`COPY (SELECT i AS id, CASE WHEN i % 4 = 0 THEN NULL ELSE i * 1.5 END AS delay, 'o' || (i % 3) AS origin FROM range(10000) t(i)) TO '${p}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
});
afterAll(async () => {
  await service.close();
  await engine.close();
});

function run(spec: object): Promise<ApiEvent> {
  return new Promise((resolve) => {
    service.runJob(spec as never, { memoryLimit: null, workers: null, scheduler: 'threads' }, (e) => {
      if (e.event === 'job.done' || e.event === 'job.failed') resolve(e);
    });
  });
}

describe('table datasets', () => {
  it('inspects a dropped CSV: schema with nulls unknown, estimated rows, partitions; a preview job; a job reads it', async () => {
    const d = await service.addDataset(join(dir, 'trips.csv'));
    expect(DatasetSchema.parse(d)).toEqual(d);
    expect(d).toMatchObject({ name: 'trips', kind: 'table', format: 'csv', files: 1, rows: null, partitions: 1,
      columns: [{ name: 'origin', dtype: 'string', nulls: null }, { name: 'delay', dtype: 'float64', nulls: null }, { name: 'n', dtype: 'int64', nulls: null }] });
    expect(d.kind === 'table' && d.estimatedRows).toBeGreaterThan(0);
    const preview = await handleRequest(service, 'previewDataset', { name: 'trips' }, () => undefined);
    expect(preview).toEqual({ columns: ['origin', 'delay', 'n'], dtypes: ['string', 'float64', 'int64'], rows: [['SFO', 12.5, 1], ['JFK', null, 2], ['SFO', 30, 3], ['LAX', -4, 4]] });
    const done = await run({ tessera: 1, datasets: { t: { csv: d.path } }, outputs: { g: "t.groupby('origin').agg(m=('delay', 'mean'))", n: 'len(t)' } });
    expect(done.event).toBe('job.done');
    const outs = (done.data as { outputs: { name: string; rows?: unknown[][]; value?: unknown }[] }).outputs;
    expect(outs.find((o) => o.name === 'g')!.rows).toEqual([['JFK', null], ['LAX', -4], ['SFO', 21.25]]);
    expect(outs.find((o) => o.name === 'n')!.value).toBe(4);
  });

  it('takes a TSV, a folder of CSVs (every file readable by jobs) and a Parquet file with null counts', async () => {
    expect(await service.addDataset(join(dir, 'trips.tsv'))).toMatchObject({ kind: 'table', format: 'csv', columns: [{ name: 'origin' }, { name: 'delay' }] });
    const folder = await service.addDataset(join(dir, 'parts'));
    expect(folder).toMatchObject({ name: 'parts', kind: 'table', format: 'csv', files: 3, partitions: 3 });
    const sum = await run({ tessera: 1, datasets: { t: { csv: folder.path } }, outputs: { s: 't.v.sum()' } });
    expect((sum.data as { outputs: { value: unknown }[] }).outputs[0].value).toBe(63);
    const pq = await service.addDataset(join(dir, 'flights.parquet'));
    expect(pq).toMatchObject({ kind: 'table', format: 'parquet', rows: 10_000, estimatedRows: 10_000,
      columns: [{ name: 'id', dtype: 'int64', nulls: 0 }, { name: 'delay', dtype: 'float64', nulls: 2500 }, { name: 'origin', dtype: 'string', nulls: 0 }] });
    expect(pq.kind === 'table' && pq.partitions).toBe(1); // its 5 row groups, merged (64 MiB blocksize)
    const preview = await service.previewDataset(pq.name);
    expect(preview.rows.length).toBe(20);
    expect(preview.rows[0]).toEqual([0, null, 'o0']);
  });

  it('keeps other files out of the window\'s jobs, takes CSV uploads, and still refuses unknown files', async () => {
    writeFileSync(join(dir, 'other.csv'), 'a\n1\n');
    const refused = await run({ tessera: 1, datasets: { t: { csv: join(dir, 'other.csv') } }, outputs: { n: 'len(t)' } });
    expect((refused.data as { error: { code: string } }).error.code).toBe('FORBIDDEN_PATH');
    const up = await service.addUpload('sales.csv', Readable.from([Buffer.from('region,amount\nN,5\nS,7\n')]));
    expect(up).toMatchObject({ name: 'sales', kind: 'table', format: 'csv' });
    const n = await run({ tessera: 1, datasets: { t: { csv: up.path } }, outputs: { s: 't.amount.sum()' } });
    expect((n.data as { outputs: { value: unknown }[] }).outputs[0].value).toBe(12);
    writeFileSync(join(dir, 'notes.json'), '{}');
    await expect(service.addDataset(join(dir, 'notes.json'))).rejects.toMatchObject({ code: 'UNSUPPORTED_FORMAT' });
    await expect(service.previewDataset('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

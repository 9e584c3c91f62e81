/**
 * The web host's uploads (service/uploads.ts): a dropped file is stored whole or not at all, a
 * file the inspector refuses is not kept, an upload may not fill the disk (refused from its
 * declared size, or cut off when it grows past what is free), and at start old uploads that no
 * job in the history reads are removed while those a past job reads stay.
 */
import { existsSync, readdirSync, readFileSync, statfsSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../dist/src-main/api/contract.js';
import { Engine } from '../dist/src-main/engine/engine.js';
import { TesseraError } from '../dist/src-main/engine/errors.js';
import { startWebHost } from '../dist/src-main/hosts/web/server.js';
import { JobService } from '../dist/src-main/service/job-service.js';
import { tempDir } from './helpers/engine.js';
import { numpy } from './helpers/numpy.js';

let engine: Engine;
beforeAll(async () => { engine = await Engine.start({ workers: 1 }); });
afterAll(async () => { await engine.close(); });

/** A small .npy file's bytes, written by numpy. */
function npyBytes(values: number[]): Buffer {
  const dir = tempDir();
  const path = join(dir, 'v.npy');
  numpy(`np.save(${JSON.stringify(path)}, np.array(${JSON.stringify(values)}, dtype=np.float64))\nprint(0)`);
  return readFileSync(path);
}

/** A .npy file's bytes of a numpy expression (a long array's values would not fit on python's command line). */
function npyOf(expr: string): Buffer {
  const path = join(tempDir(), 'v.npy');
  numpy(`np.save(${JSON.stringify(path)}, ${expr})\nprint(0)`);
  return readFileSync(path);
}

const uploadsOf = (dataDir: string) => (existsSync(join(dataDir, 'uploads')) ? readdirSync(join(dataDir, 'uploads')) : []);

async function refusal(p: Promise<unknown>): Promise<TesseraError> {
  try {
    await p;
  } catch (e) {
    return e as TesseraError;
  }
  throw new Error('expected a refusal');
}

function runJob(service: JobService, spec: object): Promise<ApiEvent> {
  return new Promise((resolve) => {
    service.runJob(spec as never, { memoryLimit: null, workers: null, scheduler: 'threads' }, (e) => {
      if (e.event === 'job.done' || e.event === 'job.failed') resolve(e);
    });
  });
}

describe('uploads', () => {
  it('stores a dropped .npy whole and lists it; a file that is not a dataset is not kept', async () => {
    const dataDir = tempDir();
    const service = new JobService(engine, { host: 'web', dataDir, baseDir: tempDir() });
    const bytes = npyBytes([1, 2, 3.5]);
    const d = await service.addUpload('v.npy', Readable.from([bytes]), bytes.length);
    expect(d).toMatchObject({ name: 'v', dtype: 'float64', shape: [3] });
    expect(uploadsOf(dataDir)).toEqual([d.path.split('/').pop()]);
    const done = await runJob(service, { tessera: 1, datasets: { v: { npy: d.path } }, outputs: { s: 'v.sum()' } });
    expect(done.event === 'job.done' && done.data.outputs[0].value).toBe(6.5);

    // Two files of one name at once (a dropped folder's subfolders): two uploads, neither lost.
    const one = npyBytes([1]), two = npyBytes([2, 3]);
    const realNow = Date.now;
    Date.now = () => 1_700_000_000_000; // both in the same millisecond
    const [p, q] = await Promise.all([service.addUpload('w.npy', Readable.from([one])), service.addUpload('w.npy', Readable.from([two]))])
      .finally(() => { Date.now = realNow; });
    expect(p.path).not.toBe(q.path);
    expect([p.shape, q.shape]).toEqual([[1], [2]]);
    const e = await refusal(service.addUpload('x.npy', Readable.from([Buffer.from('not numpy')]), 9));
    expect(e.code).toMatch(/NPY|FORMAT|UNSUPPORTED/);
    // Messages name the file the user dropped, not where the host keeps its copy.
    expect(e.message).toContain('x.npy (uploaded)');
    expect(e.message).not.toContain('/uploads/');
    const failed = await runJob(service, { tessera: 1, datasets: { v: { raw: d.path, dtype: 'float64', shape: [1000] } }, outputs: { s: 'v.sum()' } });
    expect(failed.event === 'job.failed' && failed.data.error.message).toMatch(/v\.npy \(uploaded\) is too short/);
    expect(uploadsOf(dataDir)).toHaveLength(3); // v.npy and the two w.npy

    // The same bytes under the same name again: the dataset listed already, and no second copy kept.
    const again = await service.addUpload('v.npy', Readable.from([bytes]), bytes.length);
    expect(again).toEqual(d);
    expect(uploadsOf(dataDir)).toHaveLength(3);
    expect(service.listDatasets().map((x) => x.name).sort()).toEqual(['v', 'w', 'w2']);
    // Other bytes under that name are another dataset.
    const other = await service.addUpload('v.npy', Readable.from([npyBytes([7])]));
    expect(other.name).toBe('v2');
  });

  it('keeps nothing of an upload that breaks off or sends fewer bytes than it declared', async () => {
    const dataDir = tempDir();
    const service = new JobService(engine, { host: 'web', dataDir, baseDir: tempDir() });
    const body = new PassThrough();
    const pending = service.addUpload('big.npy', body, null);
    body.write(Buffer.alloc(64 * 1024));
    setTimeout(() => body.destroy(new Error('connection reset')), 20);
    const e = await refusal(pending);
    expect(e.code).toBe('UPLOAD_INCOMPLETE');
    expect(e.message).toContain('connection reset');
    const short = await refusal(service.addUpload('v.npy', Readable.from([npyBytes([1])]), 10_000));
    expect(short.code).toBe('UPLOAD_INCOMPLETE');
    expect(short.message).toMatch(/of 10000 bytes arrived/);
    expect(uploadsOf(dataDir)).toEqual([]);
  });

  it('refuses an upload that would leave less than the reserve free: from its declared size, or as it grows', async () => {
    const dataDir = tempDir();
    const fs = statfsSync(dataDir);
    const free = fs.bavail * fs.bsize;
    const service = new JobService(engine, { host: 'web', dataDir, baseDir: tempDir(), uploadReserveBytes: free - 1024 * 1024 });
    const declared = await refusal(service.addUpload('v.npy', Readable.from([Buffer.alloc(10)]), 1024 ** 3));
    expect(declared.code).toBe('UPLOAD_TOO_LARGE');
    expect(declared.message).toMatch(/needs 1\.\d GiB or more, but only .+ may be used on the data folder's disk/);
    expect(declared.hint).toContain('in place');
    async function* endless() { for (let i = 0; i < 64; i++) yield Buffer.alloc(1024 * 1024); }
    const grown = await refusal(service.addUpload('v.npy', Readable.from(endless()), null));
    expect(grown.code).toBe('UPLOAD_TOO_LARGE');
    expect(uploadsOf(dataDir)).toEqual([]);

    // Over HTTP: 413 with the typed error, before the body is read.
    const host = await startWebHost(service, { rendererDir: 'out/renderer' });
    try {
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({
          host: '127.0.0.1', port: host.port, path: '/upload?name=v.npy', method: 'PUT',
          headers: { Cookie: `tessera_token=${host.token}`, Origin: `http://127.0.0.1:${host.port}`, 'Content-Length': String(1024 ** 3) },
        }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.write(Buffer.alloc(1024)); // the rest never comes: the answer must not wait for it
      });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body).error.code).toBe('UPLOAD_TOO_LARGE');
    } finally {
      await host.close();
    }
    expect(uploadsOf(dataDir)).toEqual([]);
  });

  it('takes one file dropped twice at once (both uploads in flight over HTTP) as one dataset, and two files of one name at once as two, each whole', async () => {
    const dataDir = tempDir();
    const service = new JobService(engine, { host: 'web', dataDir, baseDir: tempDir() });
    const host = await startWebHost(service, { rendererDir: 'out/renderer' });
    /** PUTs `bytes` as `name`: half the body at once, the rest when `go` resolves, so that several uploads are in flight together. */
    const put = (name: string, bytes: Buffer, go: Promise<void>) => new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port: host.port, path: `/upload?name=${name}`, method: 'PUT',
        headers: { Cookie: `tessera_token=${host.token}`, Origin: `http://127.0.0.1:${host.port}`, 'Content-Length': String(bytes.length) },
      }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      const half = bytes.length >> 1;
      req.write(bytes.subarray(0, half));
      void go.then(() => req.end(bytes.subarray(half)));
    });
    /** Both uploads started and half sent, then both finished together. */
    const together = async (a: Buffer, b: Buffer) => {
      let go!: () => void;
      const gate = new Promise<void>((r) => (go = r));
      const answers = Promise.all([put('small.npy', a, gate), put('small.npy', b, gate)]);
      await new Promise((r) => setTimeout(r, 100)); // both requests reach the host and start storing
      go();
      return (await answers).map((x) => { expect(x.status, x.body).toBe(200); return JSON.parse(x.body) as { name: string; path: string; shape: number[] }; });
    };
    try {
      const bytes = npyOf('np.arange(20_000.0)');
      const [p, q] = await together(bytes, bytes);
      expect(q).toEqual(p);
      expect(service.listDatasets().map((d) => d.name)).toEqual(['small']);
      expect(uploadsOf(dataDir)).toHaveLength(1); // the second copy went
      expect(readFileSync(p.path).equals(bytes)).toBe(true);

      // Different bytes under one name, at once: two datasets, neither lost nor mixed with the other.
      const other1 = npyOf('-np.arange(20_000.0)'), other2 = npyOf('np.arange(30_000.0) / 2');
      const [r, s] = await together(other1, other2);
      expect(new Set([p.name, r.name, s.name]).size).toBe(3);
      expect([r.shape, s.shape]).toEqual([[20_000], [30_000]]);
      expect(readFileSync(r.path).equals(other1)).toBe(true);
      expect(readFileSync(s.path).equals(other2)).toBe(true);
      expect(service.listDatasets().map((d) => d.name).sort()).toEqual(['small', 'small2', 'small3']);
      expect(uploadsOf(dataDir)).toHaveLength(3);
    } finally {
      await host.close();
    }
  });

  it('removes old uploads no kept job reads (and .part leftovers), keeps those a past job reads and recent ones', async () => {
    const dataDir = tempDir();
    const service = new JobService(engine, { host: 'web', dataDir, baseDir: tempDir() });
    const used = await service.addUpload('used.npy', Readable.from([npyBytes([4, 5])]));
    const unused = await service.addUpload('unused.npy', Readable.from([npyBytes([6])]));
    const recent = await service.addUpload('recent.npy', Readable.from([npyBytes([7])]));
    expect((await runJob(service, { tessera: 1, datasets: { u: { npy: used.path } }, outputs: { m: 'u.mean()' } })).event).toBe('job.done');
    const part = join(dataDir, 'uploads', 'crashed.npy.part');
    writeFileSync(part, 'half');
    const dayAgo = (Date.now() - 25 * 3600 * 1000) / 1000;
    for (const p of [used.path, unused.path, part]) utimesSync(p, dayAgo, dayAgo);

    // A restart: a new service over the same data folder, with nothing listed yet.
    const restarted = new JobService(engine, { host: 'web', dataDir, baseDir: tempDir() });
    expect(await restarted.pruneUploads()).toBe(2);
    expect(existsSync(used.path)).toBe(true);     // the history's job reads it
    expect(existsSync(recent.path)).toBe(true);   // less than a day old
    expect(existsSync(unused.path)).toBe(false);
    expect(existsSync(part)).toBe(false);
    const again = await runJob(restarted, (await restarted.getJob((await restarted.listHistory())[0].jobId)).spec);
    expect(again.event === 'job.done' && again.data.outputs[0].value).toBe(4.5);
  });
});

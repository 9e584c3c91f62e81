/**
 * A window's jobs read only files the user chose (dropped, uploaded, picked) or files under the
 * folders the host allows (the data folder with its uploads, `--allow` folders), resolved with
 * their links; anything else is FORBIDDEN_PATH, whether or not it exists. The CLI is not limited.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ApiEvent } from '../dist/src-main/api/contract.js';
import { decodeMessage } from '../dist/src-main/api/wire.js';
import { Engine } from '../dist/src-main/engine/engine.js';
import { startWebHost } from '../dist/src-main/hosts/web/server.js';
import { COOKIE } from '../dist/src-main/hosts/web/security.js';
import { FileAccess } from '../dist/src-main/service/file-access.js';
import { JobService } from '../dist/src-main/service/job-service.js';
import { tempDir } from './helpers/engine.js';
import { numpy } from './helpers/numpy.js';

let engine: Engine;
beforeAll(async () => { engine = await Engine.start({ workers: 1 }); });
afterAll(async () => { await engine.close(); });

function finished(service: JobService, spec: object, profile = false): Promise<ApiEvent> {
  return new Promise((resolve) => {
    const emit = (e: ApiEvent) => { if (e.event === 'job.done' || e.event === 'job.failed' || e.event === 'profile.done' || e.event === 'profile.failed') resolve(e); };
    const options = { memoryLimit: null, workers: null, scheduler: 'threads' as const };
    if (profile) service.profileJob(spec as never, options, { dataset: null, chunks: [2, 4], repeat: 1 }, emit);
    else service.runJob(spec as never, options, emit);
  });
}

const errorCode = (e: ApiEvent) => (e.event === 'job.failed' || e.event === 'profile.failed' ? (e.data as { error: { code: string } }).error.code : 'none');
const raw = (path: string) => ({ tessera: 1, datasets: { x: { raw: path, dtype: 'uint8', shape: [4] } }, outputs: { s: 'x.sum()' } });

describe('file access of a window\'s jobs', () => {
  const outside = tempDir(), dataDir = tempDir(), allowed = tempDir(), baseDir = tempDir();
  writeFileSync(join(outside, 'secret.bin'), Buffer.from([1, 2, 3, 4]));
  writeFileSync(join(allowed, 'ok.bin'), Buffer.from([5, 6, 7, 8]));
  mkdirSync(join(dataDir, 'uploads'), { recursive: true });
  symlinkSync(join(outside, 'secret.bin'), join(dataDir, 'uploads', 'link.bin'));
  symlinkSync(outside, join(allowed, 'dirlink'));
  let service: JobService;
  beforeAll(async () => {
    service = new JobService(engine, { host: 'web', dataDir, baseDir, fileAccess: await FileAccess.create([dataDir, allowed]) });
  });

  it('refuses files outside the allowed folders, by absolute path, ../ or a link, existing or not', async () => {
    for (const path of ['/etc/passwd', join(outside, 'secret.bin'), `../../../../..${outside}/secret.bin`, join(dataDir, 'uploads', 'link.bin'),
      join(allowed, 'dirlink', 'secret.bin'), join(outside, 'missing.bin'), '/proc/self/environ']) {
      expect(errorCode(await finished(service, raw(path))), path).toBe('FORBIDDEN_PATH');
    }
    expect(errorCode(await finished(service, { tessera: 1, datasets: { x: { npy: '/etc/hostname' } }, outputs: { s: 'x' } }))).toBe('FORBIDDEN_PATH');
    expect(errorCode(await finished(service, raw(join(outside, 'secret.bin')), true)), 'a profile too').toBe('FORBIDDEN_PATH');
  });

  it('reads files under an allowed folder, uploads, and files the user added; a missing allowed file is FILE_NOT_FOUND', async () => {
    const ok = await finished(service, raw(join(allowed, 'ok.bin')));
    expect(ok.event === 'job.done' && ok.data.outputs[0].value).toBe(26);
    expect(errorCode(await finished(service, raw(join(allowed, 'missing.bin'))))).toBe('FILE_NOT_FOUND');
    const npyPath = join(tempDir(), 'v.npy');
    numpy(`np.save(${JSON.stringify(npyPath)}, np.array([1.5, 2.5]))\nprint(0)`);
    const bytes = (await import('node:fs')).readFileSync(npyPath);
    const up = await service.addUpload('v.npy', Readable.from([bytes]), bytes.length);
    const done = await finished(service, { tessera: 1, datasets: { v: { npy: up.path } }, outputs: { s: 'v.sum()' } });
    expect(done.event === 'job.done' && done.data.outputs[0].value).toBe(4);
    // A file the user added (a drop or the open dialog in Electron) is readable from then on.
    expect(errorCode(await finished(service, { tessera: 1, datasets: { v: { npy: npyPath } }, outputs: { s: 'v.sum()' } }))).toBe('FORBIDDEN_PATH');
    await service.addDataset(npyPath);
    const added = await finished(service, { tessera: 1, datasets: { v: { npy: npyPath } }, outputs: { s: 'v.sum()' } });
    expect(added.event === 'job.done' && added.data.outputs[0].value).toBe(4);
  });

  it('over the web host: runJob naming /etc/passwd fails with FORBIDDEN_PATH and leaves nothing to export', async () => {
    const host = await startWebHost(service, { port: 0, rendererDir: tempDir() });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, { headers: { Origin: `http://127.0.0.1:${host.port}`, Cookie: `${COOKIE}=${host.token}` } });
      await new Promise((r) => ws.once('open', r));
      const events: ApiEvent[] = [];
      ws.on('message', (d, binary) => {
        const m = decodeMessage(binary ? new Uint8Array(d as Buffer).buffer : d.toString()) as ApiEvent & { id?: number };
        if ('event' in m) events.push(m);
      });
      ws.send(JSON.stringify({ id: 1, method: 'runJob', params: { spec: { tessera: 1, datasets: { x: { raw: '/etc/passwd', dtype: 'uint8', shape: [64] } }, outputs: { y: 'x' } }, options: { memoryLimit: null, workers: null, scheduler: 'threads' } } }));
      await new Promise<void>((resolve) => { const t = setInterval(() => { if (events.some((e) => e.event === 'job.failed')) { clearInterval(t); resolve(); } }, 20); });
      const failed = events.find((e) => e.event === 'job.failed')!;
      expect(errorCode(failed)).toBe('FORBIDDEN_PATH');
      expect(events.some((e) => e.event === 'job.done')).toBe(false);
      ws.close();
    } finally {
      await host.close();
    }
  });
});

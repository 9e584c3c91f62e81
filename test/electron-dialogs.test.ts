/**
 * The Electron host's open and save dialogs and its menu, without the Electron binary: the dialog
 * module is a stand-in that answers as a user would; the handlers run the real job service,
 * engine and files. Saved exports are read back by numpy.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Engine } from '../dist/src-main/engine/engine.js';
import { JobService } from '../dist/src-main/service/job-service.js';
import { tempDir } from './helpers/engine.js';
import { numpy } from './helpers/numpy.js';

let engine: Engine;
beforeAll(async () => { engine = await Engine.start({ workers: 2 }); });
afterAll(async () => { await engine.close(); });

type Answer = { ok: boolean; result?: never; error?: { code: string } };

describe('electron dialogs and menu', () => {
  it('opens data sets through the open dialog and saves outputs and the trace through the save dialog', async () => {
    const { registerDialogs, OPEN_DATASETS_CHANNEL, SAVE_EXPORT_CHANNEL } = await import('../src-main/hosts/electron/dialogs.js');
    const dir = tempDir();
    numpy(`import numpy as np; np.save('a.npy', np.arange(12, dtype=np.int32).reshape(3, 4)); print('null')`, dir);
    const handlers = new Map<string, (...a: unknown[]) => Promise<Answer>>();
    const service = new JobService(engine, { host: 'electron', dataDir: tempDir(), baseDir: dir });
    const chosen = { open: [join(dir, 'a.npy')], save: '' };
    const dialog = {
      showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: chosen.open })),
      showSaveDialog: vi.fn(async (o: { defaultPath?: string }) => ({ canceled: false, filePath: join(dir, chosen.save || o.defaultPath!) })),
    };
    const win = {};
    registerDialogs({ handle: (ch: string, h: never) => handlers.set(ch, h) } as never, service, dialog as never, (s) => s === (win as never));
    const call = (ch: string, ...args: unknown[]) => handlers.get(ch)!({ sender: win }, ...args);

    const opened = await call(OPEN_DATASETS_CHANNEL);
    expect(opened).toMatchObject({ ok: true, result: [{ name: 'a', dtype: 'int32', shape: [3, 4] }] });
    expect(await handlers.get(OPEN_DATASETS_CHANNEL)!({ sender: {} })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const events: { event: string; data: { outputs?: unknown } }[] = [];
    const { jobId } = service.runJob({ tessera: 1, datasets: { a: { npy: 'a.npy' } }, outputs: { t: 'a.T * 2', s: 'a.sum()', trace: 'a.max()' } }, { memoryLimit: null, workers: null, scheduler: 'threads' }, (e) => events.push(e as never));
    await vi.waitFor(() => expect(events.some((e) => e.event === 'job.done')).toBe(true), { timeout: 20_000 });

    chosen.save = 't-saved.npy';
    expect(await call(SAVE_EXPORT_CHANNEL, jobId, 'out.t')).toMatchObject({ ok: true, result: { saved: join(dir, 't-saved.npy') } });
    expect(dialog.showSaveDialog).toHaveBeenLastCalledWith(expect.objectContaining({ defaultPath: 't.npy' }));
    expect(numpy(`import numpy as np, json; a = np.load('t-saved.npy'); print(json.dumps([str(a.dtype), list(a.shape), a.tolist()]))`, dir))
      .toEqual(['int32', [4, 3], numpy(`import numpy as np, json; print(json.dumps((np.load('a.npy').T * 2).tolist()))`, dir)]);
    chosen.save = 's.npy';
    await call(SAVE_EXPORT_CHANNEL, jobId, 'out.s');
    expect(numpy(`import numpy as np, json; a = np.load('s.npy'); print(json.dumps([str(a.dtype), a.shape == (), int(a)]))`, dir)).toEqual(['int64', true, 66]);
    // An output may be called "trace": it is "out.trace", apart from the job's trace.
    chosen.save = 'max.npy';
    await call(SAVE_EXPORT_CHANNEL, jobId, 'out.trace');
    expect(numpy(`import numpy as np, json; print(json.dumps(int(np.load('max.npy'))))`, dir)).toBe(11);
    chosen.save = 'trace.json';
    await call(SAVE_EXPORT_CHANNEL, jobId, 'trace');
    const trace = JSON.parse(readFileSync(join(dir, 'trace.json'), 'utf8'));
    const tasks = trace.traceEvents.filter((e: { ph: string }) => e.ph === 'X');
    expect(tasks.length).toBeGreaterThan(1);
    expect(tasks.every((e: { dur: number }) => e.dur >= 0)).toBe(true);

    expect(await call(SAVE_EXPORT_CHANNEL, jobId, 'out.nope')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call(SAVE_EXPORT_CHANNEL, jobId, '../etc/passwd')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' } as never);
    expect(await call(SAVE_EXPORT_CHANNEL, jobId, 'out.t')).toMatchObject({ ok: true, result: { saved: null } });
  });

  it('a module opened through the dialog is the only code a window\'s jobs run: map_blocks and delayed calls', async () => {
    const { registerDialogs, OPEN_FUNCTIONS_CHANNEL } = await import('../src-main/hosts/electron/dialogs.js');
    const dir = tempDir();
    writeFileSync(join(dir, 'fns.ts'), 'export const negate = (b: Float64Array): Float64Array => b.map((v) => -v);\nexport const inc = (x: number): number => x + 1;\n');
    writeFileSync(join(dir, 'other.ts'), 'export const inc = (x: number): number => x + 100;\n');
    const handlers = new Map<string, (...a: unknown[]) => Promise<Answer>>();
    const service = new JobService(engine, { host: 'electron', dataDir: tempDir(), baseDir: dir });
    const dialog = { showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: [join(dir, 'fns.ts')] })), showSaveDialog: vi.fn() };
    const win = {};
    registerDialogs({ handle: (ch: string, h: never) => handlers.set(ch, h) } as never, service, dialog as never, (s) => s === (win as never));
    const run = async (spec: Record<string, unknown>) => {
      const events: { event: string; data: { outputs?: { value?: unknown }[]; error?: { code: string; message: string } } }[] = [];
      service.runJob({ tessera: 1, datasets: {}, ...spec } as never, { memoryLimit: null, workers: null, scheduler: 'threads' }, (e) => events.push(e as never));
      await vi.waitFor(() => expect(events.some((e) => e.event === 'job.done' || e.event === 'job.failed')).toBe(true), { timeout: 20_000 });
      return events.find((e) => e.event === 'job.done' || e.event === 'job.failed')!;
    };
    const job = {
      functions: join(dir, 'fns.ts'), datasets: { x: { arange: 6, dtype: 'float64', chunks: 4 } },
      delayed: { a: { call: 'inc', args: [{ expr: 'x.sum()' }] } }, outputs: { y: '(x.map_blocks(negate) * 2).sum()', a: 'a' },
    };
    // Not chosen yet: refused before anything runs.
    const refused = await run(job);
    expect(refused.event).toBe('job.failed');
    expect(refused.data.error).toMatchObject({ code: 'USER_CODE_FORBIDDEN' });
    expect(refused.data.error!.message).toContain(join(dir, 'fns.ts'));

    expect(await handlers.get(OPEN_FUNCTIONS_CHANNEL)!({ sender: win })).toEqual({ ok: true, result: { path: join(dir, 'fns.ts') } });
    expect(dialog.showOpenDialog).toHaveBeenLastCalledWith(expect.objectContaining({ filters: [expect.objectContaining({ extensions: ['ts', 'mts', 'js', 'mjs', 'cjs'] })] }));
    const done = await run(job);
    expect(done.event).toBe('job.done');
    expect(done.data.outputs!.map((o) => o.value)).toEqual([-30, 16]);
    // Another module beside it was not chosen; nor may another window ask.
    expect((await run({ ...job, functions: join(dir, 'other.ts') })).data.error).toMatchObject({ code: 'USER_CODE_FORBIDDEN' });
    expect(await handlers.get(OPEN_FUNCTIONS_CHANNEL)!({ sender: {} })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] });
    expect(await handlers.get(OPEN_FUNCTIONS_CHANNEL)!({ sender: win })).toEqual({ ok: true, result: { path: null } });
  });

  it('the menu sends named actions to the window', async () => {
    const { menuTemplate } = await import('../src-main/hosts/electron/menu.js');
    const sent: string[] = [];
    const template = menuTemplate((a) => sent.push(a), 'linux');
    const items = template.flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : []));
    const byLabel = (l: string) => items.find((i) => i.label === l) as { click: () => void; accelerator: string };
    byLabel('Open Data Sets…').click();
    byLabel('Open Functions Module…').click();
    byLabel('Export Trace…').click();
    byLabel('Run').click();
    byLabel('Cancel').click();
    expect(sent).toEqual(['open-datasets', 'open-functions', 'export-trace', 'run', 'cancel']);
    expect(byLabel('Open Data Sets…').accelerator).toBe('CmdOrCtrl+O');
    expect(template.map((m) => m.label ?? m.role)).toEqual(['File', 'Job', 'editMenu', 'View']);
    expect(menuTemplate(() => undefined, 'darwin')[0]).toEqual({ role: 'appMenu' });
  });
});

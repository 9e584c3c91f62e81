/**
 * The Electron host's open and save dialogs and its menu, without the Electron binary: the dialog
 * module is a stand-in that answers as a user would; the handlers run the real job service,
 * engine and files. Saved exports are read back by numpy.
 */
import { readFileSync } from 'node:fs';
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

  it('the menu sends named actions to the window', async () => {
    const { menuTemplate } = await import('../src-main/hosts/electron/menu.js');
    const sent: string[] = [];
    const template = menuTemplate((a) => sent.push(a), 'linux');
    const items = template.flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : []));
    const byLabel = (l: string) => items.find((i) => i.label === l) as { click: () => void; accelerator: string };
    byLabel('Open Data Sets…').click();
    byLabel('Export Trace…').click();
    byLabel('Run').click();
    byLabel('Cancel').click();
    expect(sent).toEqual(['open-datasets', 'export-trace', 'run', 'cancel']);
    expect(byLabel('Open Data Sets…').accelerator).toBe('CmdOrCtrl+O');
    expect(template.map((m) => m.label ?? m.role)).toEqual(['File', 'Job', 'editMenu', 'View']);
    expect(menuTemplate(() => undefined, 'darwin')[0]).toEqual({ role: 'appMenu' });
  });
});

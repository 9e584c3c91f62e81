/**
 * The Electron host's IPC and preload without the Electron binary: `electron` is mocked (the one
 * thing that cannot run here); the handlers run the real job service, engine and addon.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Engine } from '../dist/src-main/engine/engine.js';
import { JobService } from '../dist/src-main/service/job-service.js';
import { tempDir } from './helpers/engine.js';
import { decodeMessage } from '../src-main/api/wire.js';

const exposed: Record<string, unknown> = {};
const invoked: unknown[][] = [];
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, api: unknown) => { exposed[name] = api; } },
  webUtils: { getPathForFile: () => '/dropped/file.npy' },
  ipcRenderer: { invoke: (...args: unknown[]) => { invoked.push(args); return Promise.resolve({ ok: true, result: null }); }, on: () => undefined },
}));

let engine: Engine;
beforeAll(async () => { engine = await Engine.start({ workers: 2 }); });
afterAll(async () => { await engine.close(); });

describe('electron host', () => {
  it('answers IPC requests with the shared handler, only from the app window, and streams events', async () => {
    const { registerIpc, REQUEST_CHANNEL, EVENT_CHANNEL } = await import('../src-main/hosts/electron/ipc.js');
    const handlers = new Map<string, (...a: unknown[]) => unknown>();
    const service = new JobService(engine, { host: 'electron', dataDir: tempDir(), baseDir: tempDir() });
    const sent: { channel: string; binary: boolean; e: { event: string; data: Record<string, unknown> } }[] = [];
    // Events go as the web host sends them: text, or a binary frame for the task stream's columns.
    const win = { isDestroyed: () => false, send: (channel: string, e: string | Uint8Array) => sent.push({ channel, binary: e instanceof Uint8Array, e: decodeMessage(e) as never }) };
    registerIpc({ handle: (ch: string, h: never) => handlers.set(ch, h) } as never, service, (s) => s === (win as never));
    const invoke = (sender: unknown, method: unknown, params: unknown) => handlers.get(REQUEST_CHANNEL)!({ sender } as never, method, params) as Promise<{ ok: boolean; result?: never; error?: { code: string } }>;

    expect(await invoke(win, 'hello', {})).toMatchObject({ ok: true, result: { host: 'electron', workers: 2 } });
    expect(await invoke({ isDestroyed: () => false, send: () => undefined }, 'hello', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await invoke(win, 'dropTables', {})).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await invoke(win, 'runJob', { spec: { tessera: 2 } })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await invoke(win, 'addDataset', { path: '/no/such/file.npy' })).toMatchObject({ ok: false, error: { code: 'FILE_NOT_FOUND' } });

    const run = await invoke(win, 'runJob', { spec: { tessera: 1, datasets: {}, outputs: { s: 'arange(101).sum()' } } });
    expect(run.ok).toBe(true);
    await vi.waitFor(() => expect(sent.some((m) => m.e.event === 'job.done')).toBe(true), { timeout: 20_000 });
    const done = sent.find((m) => m.e.event === 'job.done')!;
    expect(done.channel).toBe(EVENT_CHANNEL);
    expect(done.e.data.outputs).toEqual([{ name: 's', kind: 'scalar', dtype: 'int64', value: 5050 }]);
    const tasks = sent.filter((m) => m.e.event === 'job.tasks');
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.every((m) => m.binary && m.e.data.start instanceof Float64Array)).toBe(true);
    expect(done.binary).toBe(false);
  });

  it('the preload exposes the contract\'s named functions only', async () => {
    await import('../src-main/hosts/electron/preload.js');
    const api = exposed.tessera as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['addDroppedFile', 'cancelJob', 'exportFile', 'getJob', 'hello', 'host', 'listDatasets', 'listHistory', 'listPersisted', 'onEvent', 'onMenu', 'openDatasets', 'openFunctionsModule', 'previewDataset', 'profileJob', 'releasePersisted', 'runJob', 'saveExport']);
    // A dropped file is added by the path Electron knows for it, never by a path the page gives.
    await (api.addDroppedFile as (f: unknown) => Promise<unknown>)({});
    expect(invoked.at(-1)).toEqual(['tessera:request', 'addDataset', { path: '/dropped/file.npy' }]);
    await (api.runJob as (p: unknown) => Promise<unknown>)({ spec: 1 });
    expect(invoked.at(-1)).toEqual(['tessera:request', 'runJob', { spec: 1 }]);
    // A module of functions only through the native dialog's channel, which takes no path from the page.
    await (api.openFunctionsModule as (p: unknown) => Promise<unknown>)('/tmp/evil.mjs');
    expect(invoked.at(-1)).toEqual(['tessera:open-functions']);
  });
});

/**
 * One request handler for every host: validates a request against the API contract, calls the
 * job service, and returns the result. The web host calls it for WebSocket messages and the
 * Electron host for IPC invocations, so both expose exactly the same API.
 */
import { EventSchemas, Requests, type ApiEvent, type Method, type RunOptions } from '../api/contract.js';
import { TesseraError } from '../engine/errors.js';
import type { Emit, JobService } from './job-service.js';

export function handleRequest(service: JobService, method: string, rawParams: unknown, emit: Emit): unknown | Promise<unknown> {
  if (!Object.hasOwn(Requests, method)) throw new TesseraError('BAD_REQUEST', `unknown method ${method}`, `methods: ${Object.keys(Requests).join(', ')}`);
  const m = method as Method;
  const parsed = Requests[m].params.safeParse(rawParams ?? {});
  if (!parsed.success) throw new TesseraError('BAD_REQUEST', `bad parameters for ${method}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, 'the request does not match the API contract');
  switch (m) {
    case 'hello': return service.hello();
    case 'runJob': {
      const p = parsed.data as { spec: never; options: RunOptions };
      return service.runJob(p.spec, p.options, emit);
    }
    case 'cancelJob': return service.cancelJob((parsed.data as { jobId: string }).jobId);
    case 'addDataset': return service.addDataset((parsed.data as { path: string }).path);
    case 'listDatasets': return service.listDatasets();
    case 'listHistory': return service.listHistory();
    case 'getJob': return service.getJob((parsed.data as { jobId: string }).jobId);
    case 'profileJob': {
      const p = parsed.data as { spec: never; options: RunOptions; dataset: string | null; chunks: number[] | null; repeat: number };
      return service.profileJob(p.spec, p.options, { dataset: p.dataset, chunks: p.chunks, repeat: p.repeat }, emit);
    }
    case 'exportFile': {
      const p = parsed.data as { jobId: string; what: string };
      return service.exportFile(p.jobId, p.what);
    }
  }
}

/**
 * Wraps an event sink so that what leaves a host matches the contract. The bulk events (task
 * columns, chunk keys: 10^5 per job) are checked on their envelope and first entries only: they are
 * built by one typed code path, and checking every entry cost the job ~10% of its time at 10^5
 * tasks (measured with bench/window.mjs). Every other event is checked whole.
 */
export function checkedEmit(send: (e: ApiEvent) => void): Emit {
  return (e) => {
    if (e.event === 'job.tasks') {
      const d = e.data;
      const n = d.layer.length;
      if ([d.index, d.worker, d.start, d.stop, d.bytesIn, d.bytesOut].some((c) => c.length !== n)) throw new Error('job.tasks: columns of different lengths');
      EventSchemas['job.tasks'].parse({ ...d, layer: d.layer.slice(0, 1), index: d.index.slice(0, 1), worker: d.worker.slice(0, 1), start: d.start.slice(0, 1), stop: d.stop.slice(0, 1), bytesIn: d.bytesIn.slice(0, 1), bytesOut: d.bytesOut.slice(0, 1) });
    } else if (e.event === 'job.chunks') {
      const first = (r: Record<string, string[]>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.slice(0, 1)]));
      EventSchemas['job.chunks'].parse({ ...e.data, started: first(e.data.started), released: first(e.data.released) });
    } else {
      EventSchemas[e.event].parse(e.data);
    }
    send(e);
  };
}

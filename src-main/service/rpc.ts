/**
 * One request handler for every host: validates a request against the API contract, calls the
 * job service, and returns the result. The web host calls it for WebSocket messages and the
 * Electron host for IPC invocations, so both expose exactly the same API.
 */
import { EventSchemas, Requests, type ApiEvent, type ExportFormat, type Method, type RunOptions } from '../api/contract.js';
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
    case 'addUploadedFolder': return service.addUploadedFolder((parsed.data as { group: string }).group);
    case 'previewDataset': return service.previewDataset((parsed.data as { name: string }).name);
    case 'listPersisted': return service.listPersisted();
    case 'releasePersisted': return service.releasePersisted((parsed.data as { name: string }).name);
    case 'listHistory': return service.listHistory();
    case 'getJob': return service.getJob((parsed.data as { jobId: string }).jobId);
    case 'profileJob': {
      const p = parsed.data as { spec: never; options: RunOptions; dataset: string | null; chunks: number[] | null; repeat: number };
      return service.profileJob(p.spec, p.options, { dataset: p.dataset, chunks: p.chunks, repeat: p.repeat }, emit);
    }
    case 'exportFile': {
      const p = parsed.data as { jobId: string; what: string; format?: ExportFormat };
      return service.exportFile(p.jobId, p.what, p.format);
    }
  }
}

/**
 * Wraps an event sink so that what leaves a host matches the contract. Every event is checked
 * whole: the bulk ones (the task stream) are typed columns, so checking them costs a few type and
 * length tests, not one per task.
 */
export function checkedEmit(send: (e: ApiEvent) => void): Emit {
  return (e) => {
    EventSchemas[e.event].parse(e.data);
    send(e);
  };
}

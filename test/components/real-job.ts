/**
 * The events of a real job (real engine, addon and worker threads, via the job service), for
 * feeding the renderer's store in component tests exactly as a host would.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ApiEvent } from '../../dist/src-main/api/contract.js';
import { Engine } from '../../dist/src-main/engine/engine.js';
import { JobService } from '../../dist/src-main/service/job-service.js';
import { decodeMessage, encodeMessage } from '../../dist/src-main/api/wire.js';
import { tempDir } from '../helpers/engine.js';

// Under happy-dom, module URLs are not file URLs: name the built worker script by path.
const WORKER = pathToFileURL(resolve('dist/src-main/engine/worker.js'));

/** `functionsModule`: a module the job may run, as if chosen in the desktop app's dialog. */
export async function realJobEvents(spec: object, options: object = {}, functionsModule?: string): Promise<ApiEvent[]> {
  const engine = await Engine.start({ workers: 2, workerUrl: WORKER });
  try {
    const service = new JobService(engine, { host: 'web', dataDir: tempDir(), baseDir: tempDir() });
    if (functionsModule) await service.allowFunctionsModule(functionsModule);
    const events: ApiEvent[] = [];
    await new Promise<void>((done) => {
      service.runJob(spec as never, { memoryLimit: null, workers: null, scheduler: 'threads', ...options }, (e) => {
        events.push(decodeMessage(encodeMessage(e)) as ApiEvent); // as a host sends them
        if (e.event === 'job.done' || e.event === 'job.failed') done();
      });
    });
    return events;
  } finally {
    await engine.close();
  }
}

/** The hello answer's vocabulary, from the real service. */
export async function realHello() {
  const engine = await Engine.start({ scheduler: 'sync' });
  try {
    return new JobService(engine, { host: 'web', dataDir: tempDir(), baseDir: tempDir() }).hello();
  } finally {
    await engine.close();
  }
}

/** Runs a spec through the window's job service (JobService, as the hosts call it) and returns its outputs. */
import { expect } from 'vitest';
import type { ApiEvent } from '../../dist/src-main/api/contract.js';
import { Engine } from '../../dist/src-main/engine/engine.js';
import { JobService } from '../../dist/src-main/service/job-service.js';
import { tempDir } from './engine.js';

export type ServiceOutputs = Extract<ApiEvent, { event: 'job.done' }>['data']['outputs'];

export async function runInService(engine: Engine, spec: unknown, baseDir: string): Promise<ServiceOutputs> {
  const service = new JobService(engine, { host: 'web', dataDir: tempDir(), baseDir, startEngine: (o) => Engine.start(o) });
  try {
    const events: ApiEvent[] = [];
    await new Promise<void>((resolve) => service.runJob(spec as never, { memoryLimit: null, workers: null, scheduler: 'threads' }, (e) => {
      events.push(e);
      if (e.event === 'job.done' || e.event === 'job.failed') resolve();
    }));
    const done = events.find((e) => e.event === 'job.done');
    expect(done, JSON.stringify(events.find((e) => e.event === 'job.failed'))).toBeDefined();
    return (done as Extract<ApiEvent, { event: 'job.done' }>).data.outputs;
  } finally {
    await service.close();
  }
}

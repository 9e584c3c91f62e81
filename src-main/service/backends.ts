/**
 * Which backend runs the window's next job, and its lifetime. The host's backend is the default;
 * a job that asks for another worker count or scheduler, or for a Dask cluster, gets a backend
 * started for it (between jobs, never during one), which the next job with other options closes. A backend whose worker
 * died (WORKER_CRASHED: it cannot run jobs any more) is replaced by a fresh one with the same
 * options, found before a job starts or when a job fails, so the window goes on without a restart
 * of the app. The host closes its own backend; this closes the ones it started.
 */
import type { ApiError, RunOptions } from '../api/contract.js';
import { TesseraError, toTesseraError } from '../engine/errors.js';
import type { Backend, BackendOptions } from '../run/backend.js';
import { DaskBackend } from '../cluster/dask-backend.js';

export type StartBackend = (o: BackendOptions) => Promise<Backend>;

type Scheduler = RunOptions['scheduler'];

interface InUse {
  backend: Backend;
  /** The options it was started with (null workers: the host's default count). */
  workers: number | null;
  scheduler: Scheduler;
  /** The Dask cluster it runs on, or null for this machine. */
  cluster: string | null;
}

export class Backends {
  private hostBackend: Backend;
  private replacedHost = false;
  private current: InUse;

  /** `start` unset: the host cannot start backends, so jobs keep to the host's. */
  constructor(host: Backend, private readonly hostScheduler: Scheduler, private readonly start?: StartBackend) {
    this.hostBackend = host;
    this.current = { backend: host, workers: null, scheduler: hostScheduler, cluster: null };
  }

  /** The default backend: the host's, or the one that replaced it after a crash. */
  get host(): Backend {
    return this.hostBackend;
  }

  /** The backend for a job's cluster, or worker count and scheduler: the current one, or a new one. */
  async forJob(options: Pick<RunOptions, 'workers' | 'scheduler'> & { cluster?: string | null }): Promise<Backend> {
    const cluster = options.cluster || null;
    if (cluster) return this.forCluster(cluster);
    await this.recover(); // a worker may have died since the last job
    const c = this.current;
    if (c.cluster === null && c.workers === options.workers && c.scheduler === options.scheduler) return c.backend;
    if (options.workers === null && options.scheduler === 'threads' && this.hostScheduler === 'threads') {
      if (c.backend !== this.hostBackend) await c.backend.close();
      this.current = { backend: this.hostBackend, workers: null, scheduler: 'threads', cluster: null };
      await this.recover(); // the default's workers may have died while another backend ran
      return this.current.backend;
    }
    if (!this.start) throw new TesseraError('BAD_OPTION', 'this host cannot change the worker count or scheduler', 'run without those options');
    const backend = await this.start({ workers: options.workers ?? undefined, scheduler: options.scheduler });
    if (c.backend !== this.hostBackend) await c.backend.close();
    this.current = { backend, workers: options.workers, scheduler: options.scheduler, cluster: null };
    return backend;
  }

  /** A backend on the Dask cluster at `address`: kept for the next job on the same cluster, made anew after it failed. */
  private async forCluster(address: string): Promise<Backend> {
    const c = this.current;
    if (c.cluster === address && !c.backend.failure) return c.backend;
    const backend = await DaskBackend.start(address);
    if (c.backend !== this.hostBackend) await c.backend.close().catch(() => undefined);
    this.current = { backend, workers: null, scheduler: 'threads', cluster: address };
    return backend;
  }

  /** A job's error; after a worker died, the backend is replaced and the hint says so. */
  async errorOf(e: unknown): Promise<ApiError> {
    const error = toTesseraError(e).toJSON() as ApiError;
    if (error.code === 'WORKER_CRASHED' && await this.recover().catch(() => false)) {
      error.hint = 'Tessera started fresh workers: run the job again (and report this if it happens again)';
    }
    return error;
  }

  /**
   * Replaces the backend in use if it failed: a fresh one with the same worker count and
   * scheduler takes its place (and the default's, if it was the default). Returns whether it did;
   * a host that cannot start backends keeps the broken one (its jobs say so).
   */
  private async recover(): Promise<boolean> {
    const c = this.current;
    if (!c.backend.failure || !this.start || c.cluster) return false; // a cluster's backend is made anew by forCluster
    const fresh = await this.start({ workers: c.workers ?? c.backend.workers, scheduler: c.scheduler });
    await c.backend.close().catch(() => undefined);
    if (c.backend === this.hostBackend) {
      this.hostBackend = fresh;
      this.replacedHost = true;
    }
    this.current = { ...c, backend: fresh };
    return true;
  }

  /** Closes the backends this started; the host's own is the host's to close. */
  async close(): Promise<void> {
    if (this.current.backend !== this.hostBackend) await this.current.backend.close();
    if (this.replacedHost) await this.hostBackend.close();
    this.current = { backend: this.hostBackend, workers: null, scheduler: this.hostScheduler, cluster: null };
  }
}

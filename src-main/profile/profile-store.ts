/**
 * Profiles remembered per machine and per job (its operations, not its chunking), in the app's
 * data folder (`profiles.json`, written to a temporary name and renamed). A later "auto" chunking
 * of the same job on the same machine uses the recommendation; any job on the machine uses the
 * machine's measured overhead per task and throughput per worker.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeAtomically } from '../run/write-atomically.js';
import type { Machine } from './machine.js';

export interface RememberedJob {
  dataset: string;
  /** Recommended elements per chunk, and its bytes. */
  elements: number;
  chunkBytes: number;
  measuredAt: number;
}

export interface MachineProfile {
  machine: Machine;
  /** Scheduling overhead per task (ms): overhead share x workers x wall / tasks, median over sweeps. */
  overheadPerTaskMs: number | null;
  /** Bytes a worker gets through per second inside tasks (bytes read / compute time). */
  bytesPerWorkerS: number | null;
  /** One thread's memory read bandwidth (bytes/s), probed once. */
  readBytesPerS?: number;
  jobs: Record<string, RememberedJob>;
}

interface StoreFile { version: 1; machines: Record<string, MachineProfile> }

export class ProfileStore {
  constructor(private readonly path: string) {}

  private async read(): Promise<StoreFile> {
    try {
      const f = JSON.parse(await readFile(this.path, 'utf8')) as StoreFile;
      return f.version === 1 && f.machines ? f : { version: 1, machines: {} };
    } catch {
      return { version: 1, machines: {} }; // none yet, or unreadable: start again
    }
  }

  async machine(id: string): Promise<MachineProfile | null> {
    return (await this.read()).machines[id] ?? null;
  }

  /** Reads the store, lets `change` edit this machine's entry (made if new), writes it back. */
  private async update(machine: Machine, change: (m: MachineProfile) => void): Promise<void> {
    const f = await this.read();
    const m = f.machines[machine.id] ?? { machine, overheadPerTaskMs: null, bytesPerWorkerS: null, jobs: {} };
    m.machine = machine;
    change(m);
    f.machines[machine.id] = m;
    await mkdir(dirname(this.path), { recursive: true });
    await writeAtomically(this.path, JSON.stringify(f, null, 1));
  }

  async rememberBandwidth(machine: Machine, readBytesPerS: number): Promise<void> {
    await this.update(machine, (m) => { m.readBytesPerS = readBytesPerS; });
  }

  async remember(machine: Machine, signature: string, job: RememberedJob, measured: { overheadPerTaskMs: number | null; bytesPerWorkerS: number | null }): Promise<void> {
    // A running blend: each sweep moves the machine's constants halfway to what it measured.
    const blend = (old: number | null, now: number | null) => (now === null ? old : old === null ? now : (old + now) / 2);
    await this.update(machine, (m) => {
      m.jobs[signature] = job;
      m.overheadPerTaskMs = blend(m.overheadPerTaskMs, measured.overheadPerTaskMs);
      m.bytesPerWorkerS = blend(m.bytesPerWorkerS, measured.bytesPerWorkerS);
    });
  }
}

/**
 * The machine a profile was measured on: what is remembered with it, and its identity (profiles
 * from another machine say nothing about this one).
 */
import { createHash } from 'node:crypto';
import { cpus, hostname, totalmem } from 'node:os';

export interface Machine {
  id: string;
  cpu: string;
  cores: number;
  memoryBytes: number;
  simd: string;
  node: string;
}

export function machineInfo(simd: string): Machine {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const cores = cpus().length;
  const id = createHash('sha256').update(`${hostname()}|${cpu}|${cores}|${totalmem()}`).digest('hex').slice(0, 16);
  return { id, cpu, cores, memoryBytes: totalmem(), simd, node: process.version };
}

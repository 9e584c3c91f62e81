/**
 * The arrays kept in memory by earlier jobs (the run option "keep", dask's persist), as the host
 * last reported them: at connect (listPersisted), after each job (job.done) and after a release.
 * `released` says which the memory limit let go to make room in the last job.
 */
import { reactive } from 'vue';
import type { ApiEvent, PersistedArrayInfo } from '../src-main/api/contract';

export const keptStore = reactive({
  list: [] as PersistedArrayInfo[],
  released: [] as string[],
});

export function setKept(list: PersistedArrayInfo[], released: string[] = []): void {
  keptStore.list = list;
  keptStore.released = released;
}

export function applyKeptEvent(e: ApiEvent): void {
  if (e.event === 'job.done' && e.data.persisted) setKept(e.data.persisted, e.data.released ?? []);
  if (e.event === 'job.failed' && e.data.persisted) setKept(e.data.persisted);
}

/** The names typed in the "keep" field (commas or spaces between them). */
export function keepNames(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** The state of the window's chunk-size profile (one at a time), fed by API events. */
import { reactive } from 'vue';
import type { ApiError, ApiEvent, EventData } from '../src-main/api/contract';

export { formatCount } from '../src-main/api/format-count';

export const profile = reactive({
  id: '',
  state: 'idle' as 'idle' | 'running' | 'done' | 'failed',
  progress: { done: 0, total: 0, value: 0 },
  result: null as EventData<'profile.done'> | null,
  error: null as ApiError | null,
});

export function startProfile(id: string): void {
  Object.assign(profile, { id, state: 'running', progress: { done: 0, total: 0, value: 0 }, result: null, error: null });
}

export function applyProfileEvent(e: ApiEvent): void {
  if (!profile.id || e.data.jobId !== profile.id) return;
  if (e.event === 'profile.progress') profile.progress = { done: e.data.done, total: e.data.total, value: e.data.value };
  else if (e.event === 'profile.done') { profile.result = e.data; profile.state = 'done'; }
  else if (e.event === 'job.failed') { profile.error = e.data.error; profile.state = 'failed'; }
}

/** The progress panel's estimate of the time left: each layer's remaining tasks at its measured task time, over the workers, never less than one task of the slowest layer left. */
import { describe, expect, it } from 'vitest';
import { addTaskTimes, emptyTaskTimes, timeLeft, timeLeftFrom } from '../../src-renderer/time-left';

function tasks(list: { layer: number; ms: number }[]) {
  const n = list.length;
  const t = { count: n, start: new Float64Array(n), stop: new Float64Array(n), layer: new Int32Array(n) };
  list.forEach((x, i) => { t.stop[i] = x.ms; t.layer[i] = x.layer; });
  return t;
}

describe('time left', () => {
  it('weighs each layer by its own task time, and a layer not started by the mean', () => {
    const layers = [{ name: 'read', tasks: 10 }, { name: 'combine', tasks: 4 }];
    // 6 reads of 100 ms done, 4 left; 4 combines not started (the mean, 100 ms): 800 ms of work on 2 workers.
    expect(timeLeft(layers, { read: { done: 6 } }, tasks(Array.from({ length: 6 }, () => ({ layer: 0, ms: 100 }))), 2)).toBeCloseTo(0.4, 9);
    // Reads of 1 s and combines of 1 ms: the combines hardly count (elapsed / fraction done said far more).
    const mixed = tasks([...Array.from({ length: 2 }, () => ({ layer: 0, ms: 1000 })), ...Array.from({ length: 2 }, () => ({ layer: 1, ms: 1 }))]);
    expect(timeLeft(layers, { read: { done: 2 }, combine: { done: 2 } }, mixed, 2)).toBeCloseTo((8 * 1000 + 2 * 1) / 2 / 1000, 9);
  });

  it('is never less than one task of the slowest layer with tasks left, and nothing before a task is done', () => {
    const layers = [{ name: 'slow', tasks: 4 }];
    expect(timeLeft(layers, { slow: { done: 2 } }, tasks([{ layer: 0, ms: 10_000 }, { layer: 0, ms: 10_000 }]), 8)).toBeCloseTo(10, 9);
    expect(timeLeft(layers, {}, tasks([]), 2)).toBeNull();
  });

  it('gives the same estimate from task times kept batch by batch as from all the columns at once', () => {
    const layers = [{ name: 'read', tasks: 50 }, { name: 'combine', tasks: 20 }, { name: 'sum', tasks: 1 }];
    const list = Array.from({ length: 37 }, (_, i) => ({ layer: i % 5 === 4 ? 1 : 0, ms: 3 + (i * 7) % 11 }));
    const all = tasks(list);
    const kept = emptyTaskTimes();
    for (const [from, to] of [[0, 1], [1, 1], [1, 20], [20, 37]]) addTaskTimes(kept, all, from, to);
    const done = { read: { done: 30 }, combine: { done: 7 } };
    expect(kept.count).toBe(37);
    expect(timeLeftFrom(layers, done, kept, 3)).toBe(timeLeft(layers, done, all, 3));
    expect(timeLeftFrom(layers, {}, emptyTaskTimes(), 3)).toBeNull();
  });
});

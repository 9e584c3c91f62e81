/** The window's charts (uPlot, ADR 0028): their axis labels and the columns they are fed, from the job's samples and the profile's points. */
import { describe, expect, it } from 'vitest';
import { timeLabel, TIME_STEPS_MS } from '../../src-main/api/time-ticks';
import { byteTick, BYTE_STEPS, secondTick } from '../../src-renderer/charts/axis-steps';
import { barColour, MEMORY_COLOURS, memoryData, workerData } from '../../src-renderer/charts/memory-chart';
import { profileData } from '../../src-renderer/charts/profile-chart';

describe('chart axes', () => {
  it('steps bytes in powers of two and labels them in binary units without a needless .0', () => {
    expect(BYTE_STEPS.slice(0, 4)).toEqual([1, 2, 4, 8]);
    expect(BYTE_STEPS).toContain(2 ** 30);
    expect([512 * 1024, 2 ** 20, 256 * 2 ** 20, 2 ** 30, 1.5 * 2 ** 30, 100].map(byteTick)).toEqual(['512 KiB', '1 MiB', '256 MiB', '1 GiB', '1.5 GiB', '100 B']);
  });

  it('labels seconds and times with the decimals their step needs, so neighbouring ticks differ', () => {
    expect([0, 0.05, 0.1, 0.15].map((v) => secondTick(v, 0.05))).toEqual(['0.00 s', '0.05 s', '0.10 s', '0.15 s']);
    expect([0, 2, 4].map((v) => secondTick(v, 2))).toEqual(['0 s', '2 s', '4 s']);
    expect([1600, 1610, 1620].map((t) => timeLabel(t, 10, true))).toEqual(['1.60 s', '1.61 s', '1.62 s']);
    expect(timeLabel(250, 50, false)).toBe('250 ms');
    expect(TIME_STEPS_MS.slice(0, 6)).toEqual([1, 2, 5, 10, 20, 50]);
  });
});

describe('memory chart columns', () => {
  const samples = [
    { t: 1_000_000, storeBytes: 10, rssBytes: 100, mappedBytes: 30, perWorker: [4, 6], limitBytes: 50 },
    { t: 1_000_050, storeBytes: 40, rssBytes: 60, perWorker: [40, 0], limitBytes: 50 },
  ];

  it('gives ms since the first sample, managed, mapped, unmanaged (never below zero) and the limit', () => {
    expect(memoryData(samples, true)).toEqual([[0, 50], [10, 40], [30, 0], [60, 20], [50, 50]]);
    expect(memoryData(samples, false)).toHaveLength(4);
    expect(memoryData([{ t: 5, storeBytes: 90, rssBytes: 80, mappedBytes: 10, perWorker: [], limitBytes: null }], false)[3]).toEqual([0]);
  });

  it('adds the bytes spilled to disk as the last column when the job spilled (0 where a sample says nothing)', () => {
    const spilled = [{ ...samples[0], spilledBytes: 70 }, samples[1]];
    expect(memoryData(spilled, true, true)).toEqual([[0, 50], [10, 40], [30, 0], [60, 20], [50, 50], [70, 0]]);
    expect(memoryData(spilled, false, true)).toEqual([[0, 50], [10, 40], [30, 0], [60, 20], [70, 0]]);
  });

  it('gives a bar per worker, coloured by its share of the limit', () => {
    expect(workerData([4, 6, 0])).toEqual([[0, 1, 2], [4, 6, 0]]);
    expect([0, 49, 50, 79, 80, 120].map((b) => barColour(b, 100))).toEqual([MEMORY_COLOURS.managed, MEMORY_COLOURS.managed, MEMORY_COLOURS.high, MEMORY_COLOURS.high, MEMORY_COLOURS.over, MEMORY_COLOURS.over]);
    expect(barColour(1e12, null)).toBe(MEMORY_COLOURS.managed);
  });
});

describe('profile chart columns', () => {
  it('orders the points by chunk size: wall median, fastest, slowest, peak memory (managed + unmanaged), overhead share', () => {
    const point = (value: number, median: number, overheadShare: number) => ({
      value, chunkShape: [value], chunkBytes: value * 8, chunks: 1, wall: { median, min: median * 0.9, max: median * 1.2 }, tasks: 1, taskMs: 1,
      computeShare: 1 - overheadShare, overheadShare, idleShare: 0, peakManagedBytes: value * 8, peakUnmanagedBytes: 1000, bytesRead: 0,
    });
    expect(profileData([point(1e6, 0.5, 0.1), point(1e4, 2, 0.6)])).toEqual([
      [1e4, 1e6], [2, 0.5], [1.8, 0.45], [2.4, 0.6], [1e4 * 8 + 1000, 1e6 * 8 + 1000], [0.6, 0.1],
    ]);
  });
});

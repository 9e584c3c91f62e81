/**
 * The table plan as the window sees it: every layer with a task per partition is a column of
 * cells in the chunk view (a grid of partitions x 1, estimated rows x the columns), so its tasks'
 * chunk numbers land on it; a chain of selections and filters is one task per partition; and
 * outputs over one source read it once.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkNumber } from '../dist/src-main/api/chunk-numbers.js';
import { csvTableSource, planCsv, sourceTable, TableEvaluator } from '../dist/src-main/collections/dataframe/index.js';
import { lowerTables } from '../dist/src-main/collections/dataframe/lower.js';
import { tempDir } from './helpers/engine.js';

describe('the table plan', () => {
  it('draws partitions as a column of cells, and fuses a chain into one task per partition', async () => {
    const dir = tempDir();
    const rows = ['k,v,w'];
    for (let i = 0; i < 3000; i++) rows.push(`k${i % 7},${i},${i * 0.5}`);
    writeFileSync(join(dir, 't.csv'), `${rows.join('\n')}\n`);
    const t = sourceTable(csvTableSource(await planCsv([join(dir, 't.csv')], { blocksize: 8192 })));
    const ev = new TableEvaluator(new Map([['t', t]]));
    const graph = lowerTables([
      { name: 'f', node: (ev.evaluateOutput("t[(t.v > 10) & (t.k != 'k3')].assign(z=t.w * 2)[['k', 'z']]") as { node: never }).node },
      { name: 'g', node: (ev.evaluateOutput("t.groupby('k').v.sum()") as { node: never }).node },
    ]);
    const read = graph.layers.filter((l) => l.kind === 'read_csv');
    // Both outputs read the file once, with the columns either uses.
    expect(read).toHaveLength(1);
    const partitions = read[0].tasks;
    expect(partitions).toBeGreaterThan(3);
    // One filter-and-compute task per partition, not one per operation.
    expect(graph.layers.filter((l) => l.kind === 'table_map').map((l) => l.tasks)).toEqual([partitions]);
    for (const l of graph.layers.filter((x) => x.grid)) {
      expect(l.grid![1].length, l.name).toBe(1);
      expect(l.indexShape, l.name).toEqual([l.grid![0].length, 1]);
    }
    for (const task of graph.tasks) {
      const layer = graph.layers.find((l) => l.name === task.layer)!;
      if (layer.grid) expect(chunkNumber(task.index, layer.indexShape!), task.key).toBeGreaterThanOrEqual(0);
    }
    // The read layers' grids estimate the partitions' rows (3000 rows over them all).
    const estimated = read[0].grid![0].reduce((s, r) => s + r, 0);
    expect(estimated).toBeGreaterThan(1000);
    expect(estimated).toBeLessThan(9000);
  });
});

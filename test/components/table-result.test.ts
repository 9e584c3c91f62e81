/**
 * A table output in the Results panel: the virtualised grid (10^5 rows, few in the DOM), sorting
 * by a header (numbers, strings, nulls last either way), nulls shown as pandas prints them, rows
 * held of how many; the bar chart of a group-by shaped result; column histograms.
 */
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import TableResult from '../../src-renderer/components/TableResult.vue';
import ResultsPanel from '../../src-renderer/components/ResultsPanel.vue';
import { applyEvent, resetJob } from '../../src-renderer/job-store';
import { barChartOf, columnHistogram, sortOrder, visibleRange, type Cell } from '../../src-renderer/table-view';

function bigTable(n: number) {
  const rows: Cell[][] = [];
  for (let i = 0; i < n; i++) rows.push([i, `name-${(i * 7919) % n}`, i % 97 === 0 ? null : (i * 2654435761) % 1000 / 10]);
  return { name: 'big', kind: 'table' as const, columns: ['id', 'name', 'x'], dtypes: ['int64', 'string', 'float64'], rows, nrows: 2_592_000 };
}

const rowIds = (w: ReturnType<typeof mount>) => w.findAll('tr.row').map((r) => Number(r.attributes('data-row')));
const firstCells = (w: ReturnType<typeof mount>, col: number) => w.findAll('tr.row').map((r) => r.findAll('td')[col].text());

async function scrollTo(w: ReturnType<typeof mount>, px: number) {
  const el = w.find('[data-testid="grid"]').element as HTMLElement;
  el.scrollTop = px;
  await w.find('[data-testid="grid"]').trigger('scroll');
}

describe('table grid', () => {
  it('keeps the DOM to the rows in view while 100,000 rows scroll, and says how many are held', async () => {
    const t0 = performance.now();
    const w = mount(TableResult, { props: { output: bigTable(100_000) } });
    expect(w.findAll('tr.row').length).toBeLessThanOrEqual(40);
    expect(rowIds(w)[0]).toBe(0);
    expect(w.find('[data-testid="rows-held"]').text()).toContain('showing 100,000 of 2,592,000 rows');
    for (const row of [50_000, 99_990, 1234]) {
      await scrollTo(w, row * 20);
      const ids = rowIds(w);
      expect(ids.length).toBeLessThanOrEqual(40);
      expect(ids).toContain(row);
    }
    // The spacers keep the scroll height: every row's height is there.
    const spacers = w.findAll('tr.spacer').map((s) => parseFloat((s.element as HTMLElement).style.height));
    expect(spacers[0] + spacers[1] + rowIds(w).length * 20).toBe(100_000 * 20);
    expect(performance.now() - t0).toBeLessThan(5000);
    w.unmount();
  });

  it('sorts numbers, strings and nulls (last either way) by a click on the header', async () => {
    const rows: Cell[][] = [[3, 'b', 1.5], [1, 'a', null], [2, 'c', -2], [10, null, 0.25], [2, 'B', 7]];
    const w = mount(TableResult, { props: { output: { name: 't', kind: 'table', columns: ['k', 's', 'v'], dtypes: ['int64', 'string', 'float64'], rows, nrows: 5 } } });
    await w.find('[data-testid="grid-header-0"]').trigger('click');
    expect(firstCells(w, 0)).toEqual(['1', '2', '2', '3', '10']); // numerically, not as text; stable
    expect(rowIds(w)).toEqual([1, 2, 4, 0, 3]);
    await w.find('[data-testid="grid-header-0"]').trigger('click');
    expect(firstCells(w, 0)).toEqual(['10', '3', '2', '2', '1']);
    await w.find('[data-testid="grid-header-1"]').trigger('click');
    expect(firstCells(w, 1)).toEqual(['B', 'a', 'b', 'c', 'None']);
    await w.find('[data-testid="grid-header-2"]').trigger('click');
    expect(firstCells(w, 2)).toEqual(['-2', '0.25', '1.5', '7', 'NaN']);
    await w.find('[data-testid="grid-header-2"]').trigger('click');
    expect(firstCells(w, 2)).toEqual(['7', '1.5', '0.25', '-2', 'NaN']);
    // Nulls are marked, not just printed.
    expect(w.findAll('td.null').map((c) => c.text())).toEqual(['None', 'NaN']);
    expect(w.find('[data-testid="rows-held"]').text()).toContain('sorted by v (descending)');
    w.unmount();
  });

  it('sorts int64 beyond 2^53 (decimal strings) by value and 100,000 rows quickly', () => {
    const rows: Cell[][] = [['9007199254740993'], [5], ['-9007199254740993'], [null]];
    expect([...sortOrder(rows, 0, 'asc', 'int64')]).toEqual([2, 1, 0, 3]);
    const big = bigTable(100_000).rows;
    const t0 = performance.now();
    const o = sortOrder(big, 2, 'asc', 'float64');
    expect(performance.now() - t0).toBeLessThan(2000);
    for (let k = 1; k < o.length; k++) {
      const a = big[o[k - 1]][2], b = big[o[k]][2];
      if (b !== null) expect(a !== null && a <= b).toBe(true);
    }
    expect(big[o[o.length - 1]][2]).toBeNull();
    expect(visibleRange(0, 300, 20, 5)).toEqual({ first: 0, last: 5 });
  });
});

describe('bar chart and histograms', () => {
  it('draws a group-by shaped result as its top 30 bars by value, largest first', () => {
    const rows: Cell[][] = Array.from({ length: 40 }, (_, i) => [`origin-${i}`, i * 3 + 1, (i * 37) % 11]);
    const w = mount(TableResult, { props: { output: { name: 'g', kind: 'table', columns: ['origin', 'n', 'm'], dtypes: ['string', 'int64', 'float64'], rows, nrows: 40 } } });
    const chart = w.find('[data-testid="bar-chart"]');
    expect(chart.attributes('data-bars')).toBe('30');
    expect(chart.text()).toContain('n by origin, the top 30 of 40 groups');
    expect(chart.findAll('text.label').slice(0, 2).map((t) => t.text())).toEqual(['origin-39', 'origin-38']);
    // Each numeric column gets a histogram over the rows held.
    const counts = w.find('[data-testid="column-histogram-n"]').attributes('data-counts')!.split(',').map(Number);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(40);
    expect(w.find('.histograms .note').text()).toBe('histograms over the 40 rows held');
    w.unmount();
  });

  it('chooses no chart for tables not shaped like a group-by', () => {
    const cols = ['timestamp', 'id', 'x'];
    expect(barChartOf(cols, ['timestamp', 'int64', 'float64'], [['2000-01-01T00:00:00', 1, 0.5], ['2000-01-01T00:00:01', 2, 0.1]])).toBeNull();
    expect(barChartOf(['k', 'v'], ['string', 'float64'], [['a', 1], ['a', 2]])).toBeNull(); // a key twice
    expect(barChartOf(['k', 's'], ['string', 'string'], [['a', 'x'], ['b', 'y']])).toBeNull(); // nothing numeric
    expect(barChartOf(['k', 'v'], ['int64', 'float64'], [[1, 2], [2, null], [3, 5]])!.bars).toEqual([{ label: '3', value: 5 }, { label: '1', value: 2 }]);
    expect(columnHistogram([[1], [null], [3]], 0, 2)).toEqual({ lo: 1, hi: 3, counts: [1, 1], counted: 2, nulls: 1 });
  });
});

describe('results panel with tables', () => {
  it('shows table outputs as grids with CSV and Parquet exports, and table scalars as values', async () => {
    resetJob('job-t');
    applyEvent({ event: 'job.done', data: { jobId: 'job-t', stats: { tasks: 3, wall_s: 0.1, workers: 2 }, outputs: [
      { name: 'n', kind: 'scalar', dtype: 'int64', value: 2_592_000 },
      { name: 'by', kind: 'table', columns: ['name', 'n'], dtypes: ['string', 'int64'], rows: [['Alice', 3], ['Bob', 5]], nrows: 2 },
    ] } });
    const calls: unknown[][] = [];
    const w = mount(ResultsPanel, { props: { transport: { saveExport: async (...a: unknown[]) => { calls.push(a); } } as never } });
    expect(w.find('[data-testid="result-n"]').text()).toContain('2592000');
    expect(w.find('[data-testid="result-by"] [data-testid="bar-chart"]').exists()).toBe(true);
    await w.find('[data-testid="export-by-csv"]').trigger('click');
    await w.find('[data-testid="export-by-parquet"]').trigger('click');
    expect(calls).toEqual([['job-t', 'out.by', 'csv'], ['job-t', 'out.by', 'parquet']]);
    w.unmount();
  });
});

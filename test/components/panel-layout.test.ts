/** The dashboard's panel order (panel-layout.ts): moves, and a saved layout read back whole whatever it holds. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_LAYOUT, LAYOUT_KEY, loadLayout, moveAcross, moveAlong, movePanel, restoreLayout, saveLayout, sameLayout } from '../../src-renderer/panel-layout';

const L = { edit: ['a', 'b', 'c'], watch: ['x', 'y'] };

function memoryStorage(init: Record<string, string> = {}) {
  const items = new Map(Object.entries(init));
  return { items, getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k) };
}

describe('panel layout', () => {
  it('moves a panel before another, in its column or the other, or to a column\'s end', () => {
    expect(movePanel(L, 'c', 'edit', 'a')).toEqual({ edit: ['c', 'a', 'b'], watch: ['x', 'y'] });
    expect(movePanel(L, 'a', 'edit', 'c')).toEqual({ edit: ['b', 'a', 'c'], watch: ['x', 'y'] });
    expect(movePanel(L, 'a', 'edit', null)).toEqual({ edit: ['b', 'c', 'a'], watch: ['x', 'y'] });
    expect(movePanel(L, 'b', 'watch', 'y')).toEqual({ edit: ['a', 'c'], watch: ['x', 'b', 'y'] });
    expect(movePanel(L, 'y', 'edit', null)).toEqual({ edit: ['a', 'b', 'c', 'y'], watch: ['x'] });
    // Onto itself, an unknown panel, or before one that is not in that column (the end).
    expect(movePanel(L, 'b', 'edit', 'b')).toBe(L);
    expect(movePanel(L, 'zz', 'edit', 'a')).toBe(L);
    expect(movePanel(L, 'a', 'watch', 'c')).toEqual({ edit: ['b', 'c'], watch: ['x', 'y', 'a'] });
    expect(L).toEqual({ edit: ['a', 'b', 'c'], watch: ['x', 'y'] }); // never changed in place
  });

  it('moves a panel one place up or down, staying put at a column\'s end, and across at about the same height', () => {
    expect(moveAlong(L, 'b', -1).edit).toEqual(['b', 'a', 'c']);
    expect(moveAlong(L, 'b', 1).edit).toEqual(['a', 'c', 'b']);
    expect(moveAlong(L, 'a', -1)).toBe(L);
    expect(moveAlong(L, 'y', 1)).toBe(L);
    expect(moveAcross(L, 'b')).toEqual({ edit: ['a', 'c'], watch: ['x', 'b', 'y'] });
    expect(moveAcross(L, 'c')).toEqual({ edit: ['a', 'b'], watch: ['x', 'y', 'c'] }); // the other column is shorter: last
    expect(moveAcross(L, 'x')).toEqual({ edit: ['x', 'a', 'b', 'c'], watch: ['y'] });
    expect(moveAcross({ edit: ['a'], watch: [] }, 'a')).toEqual({ edit: [], watch: ['a'] });
  });

  it('reads back a saved layout: unknown ids and repeats dropped, panels it lacks where the default puts them', () => {
    const saved = { edit: ['graph', 'results', 'nope', 7, 'results'], watch: ['datasets', 'timeline'], extra: ['memory'] };
    expect(restoreLayout(saved)).toEqual({
      edit: ['job', 'progress', 'graph', 'results', 'profile'], // job lacked: first (the datasets, before it by default, are in watch); progress after job, profile after results
      watch: ['datasets', 'timeline', 'memory', 'chunks'], // memory and chunks after the timeline; the graph is in edit
    });
    // A panel added since (here: 'new' after 'memory' by default) goes after the panel it follows.
    const withNew = { edit: ['a', 'b'], watch: ['memory', 'new', 'graph'] };
    expect(restoreLayout({ edit: ['b', 'a'], watch: ['graph', 'memory'] }, withNew)).toEqual({ edit: ['b', 'a'], watch: ['graph', 'memory', 'new'] });
    for (const junk of [null, 3, 'x', [], { edit: 'a' }]) expect(restoreLayout(junk)).toEqual(DEFAULT_LAYOUT);
    expect(sameLayout(restoreLayout(DEFAULT_LAYOUT), DEFAULT_LAYOUT)).toBe(true);
  });

  it('keeps a layout in storage, and the default as no entry; a broken entry reads as the default', () => {
    const s = memoryStorage();
    const moved = moveAlong(DEFAULT_LAYOUT, 'job', -1);
    saveLayout(s, moved);
    expect(JSON.parse(s.items.get(LAYOUT_KEY)!)).toEqual(moved);
    expect(loadLayout(s)).toEqual(moved);
    saveLayout(s, DEFAULT_LAYOUT);
    expect(s.items.has(LAYOUT_KEY)).toBe(false);
    expect(loadLayout(s)).toEqual(DEFAULT_LAYOUT);
    expect(loadLayout(memoryStorage({ [LAYOUT_KEY]: '{not json' }))).toEqual(DEFAULT_LAYOUT);
    expect(loadLayout(null)).toEqual(DEFAULT_LAYOUT);
    const full = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); }, removeItem: () => {} };
    expect(() => saveLayout(full, moved)).not.toThrow();
  });
});

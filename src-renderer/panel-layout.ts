/**
 * The order of the dashboard's panels: which column each is in (the job's side, `edit`, and the
 * side that watches it run, `watch`) and where. Pure: the window moves panels through these
 * functions and keeps the result in the page's storage (PanelDeck.vue).
 *
 * A layout read back from storage is trusted for nothing: ids this version does not know are
 * dropped, repeats count once, and a panel the saved layout lacks (one added since it was saved)
 * goes where the default puts it, after the panel it follows there. A saved layout so stays
 * usable across versions without a migration.
 */

export const COLUMNS = ['edit', 'watch'] as const;
export type ColumnName = (typeof COLUMNS)[number];
export type PanelLayout = Record<ColumnName, readonly string[]>;

/** Where the layout is kept in the page's storage (v1: `{ edit: id[], watch: id[] }`). */
export const LAYOUT_KEY = 'tessera.layout.v1';

/** The panels as the window first shows them: the job, its progress and results beside the task stream, memory, chunks and graph. */
export const DEFAULT_LAYOUT: PanelLayout = {
  edit: ['datasets', 'job', 'progress', 'results', 'profile'],
  watch: ['timeline', 'memory', 'chunks', 'graph'],
};

/** Each panel's name as its title says it, for the move buttons' labels. */
export const PANEL_TITLES: Readonly<Record<string, string>> = {
  datasets: 'Datasets', job: 'Job', progress: 'Progress', results: 'Results', profile: 'Profile',
  timeline: 'Timeline', memory: 'Memory', chunks: 'Chunks', graph: 'Graph',
};

/** The column a panel is in and its index there, or null for a panel the layout does not hold. */
export function placeOf(layout: PanelLayout, id: string): { column: ColumnName; index: number } | null {
  for (const column of COLUMNS) {
    const index = layout[column].indexOf(id);
    if (index >= 0) return { column, index };
  }
  return null;
}

/** The other column: the move button's destination. */
export function otherColumn(column: ColumnName): ColumnName {
  return column === 'edit' ? 'watch' : 'edit';
}

/** `layout` with panel `id` moved into `column` before panel `before` (null: at the column's end). Unknown ids change nothing. */
export function movePanel(layout: PanelLayout, id: string, column: ColumnName, before: string | null): PanelLayout {
  if (!placeOf(layout, id) || id === before) return layout;
  const out = { edit: layout.edit.filter((x) => x !== id), watch: layout.watch.filter((x) => x !== id) };
  const at = before === null ? -1 : out[column].indexOf(before);
  out[column].splice(at < 0 ? out[column].length : at, 0, id);
  return out;
}

/** `layout` with panel `id` one place up (-1) or down (+1) in its column; at the column's end it stays. */
export function moveAlong(layout: PanelLayout, id: string, step: -1 | 1): PanelLayout {
  const place = placeOf(layout, id);
  if (!place) return layout;
  const list = layout[place.column];
  const to = place.index + step;
  if (to < 0 || to >= list.length) return layout;
  const moved = [...list];
  [moved[place.index], moved[to]] = [moved[to], moved[place.index]];
  return { ...layout, [place.column]: moved };
}

/** `layout` with panel `id` in the other column at the same index (or last, if that column is shorter): at about the height it left. */
export function moveAcross(layout: PanelLayout, id: string): PanelLayout {
  const place = placeOf(layout, id);
  if (!place) return layout;
  const to = otherColumn(place.column);
  return movePanel(layout, id, to, layout[to][place.index] ?? null);
}

export function sameLayout(a: PanelLayout, b: PanelLayout): boolean {
  return COLUMNS.every((c) => a[c].length === b[c].length && a[c].every((id, i) => b[c][i] === id));
}

/** A layout read back from storage (any JSON value), made whole against `defaults` as the header says. */
export function restoreLayout(saved: unknown, defaults: PanelLayout = DEFAULT_LAYOUT): PanelLayout {
  const known = new Set(COLUMNS.flatMap((c) => defaults[c]));
  const seen = new Set<string>();
  const out = { edit: [] as string[], watch: [] as string[] };
  const record = saved && typeof saved === 'object' ? (saved as Record<string, unknown>) : {};
  for (const column of COLUMNS) {
    const list = Array.isArray(record[column]) ? (record[column] as unknown[]) : [];
    for (const id of list) {
      if (typeof id !== 'string' || !known.has(id) || seen.has(id)) continue;
      seen.add(id);
      out[column].push(id);
    }
  }
  for (const column of COLUMNS) {
    defaults[column].forEach((id, i) => {
      if (seen.has(id)) return;
      // After the nearest panel that precedes it by default and is in that column now; else first.
      const after = defaults[column].slice(0, i).reverse().find((p) => out[column].includes(p));
      out[column].splice(after === undefined ? 0 : out[column].indexOf(after) + 1, 0, id);
      seen.add(id);
    });
  }
  return out;
}

/** The layout kept in `storage`, or the default (nothing kept, storage off, or not JSON). */
export function loadLayout(storage: Pick<Storage, 'getItem'> | null): PanelLayout {
  try {
    const text = storage?.getItem(LAYOUT_KEY);
    return text ? restoreLayout(JSON.parse(text)) : DEFAULT_LAYOUT;
  } catch {
    return DEFAULT_LAYOUT;
  }
}

/** Keeps `layout` in `storage`; the default is kept as no entry, so a later version's default applies. */
export function saveLayout(storage: Pick<Storage, 'setItem' | 'removeItem'> | null, layout: PanelLayout): void {
  try {
    if (sameLayout(layout, DEFAULT_LAYOUT)) storage?.removeItem(LAYOUT_KEY);
    else storage?.setItem(LAYOUT_KEY, JSON.stringify({ edit: layout.edit, watch: layout.watch }));
  } catch { /* storage full or off: the layout is only not kept */ }
}

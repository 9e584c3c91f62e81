/**
 * Where a dragged panel lands: from the pointer and the boxes of the columns and of the panels in
 * them (client coordinates), the column and the panel it goes before, and where to draw the line
 * that shows it. Pure, so that the rule is tested without a browser (panel-drag.ts measures).
 */
import type { ColumnName } from './panel-layout';

export interface Box { left: number; top: number; right: number; bottom: number }
export interface ColumnBox extends Box { column: ColumnName; panels: (Box & { id: string })[] }
export interface DropTarget {
  column: ColumnName;
  /** The panel the dragged one goes before; null: the column's end. */
  before: string | null;
  /** The drop indicator: a horizontal line across the column at `y`. */
  line: { left: number; width: number; y: number };
}

/** Distance from a point to a box (0 inside). */
function distance(b: Box, x: number, y: number): number {
  const dx = Math.max(b.left - x, 0, x - b.right);
  const dy = Math.max(b.top - y, 0, y - b.bottom);
  return Math.hypot(dx, dy);
}

/** How far a column is from the pointer: a column the pointer is above or below comes before any it is beside, then the nearest. */
function remoteness(c: ColumnBox, x: number, y: number): number {
  const beside = x < c.left || x > c.right;
  return (beside ? 1e9 : 0) + distance(c, x, y);
}

/**
 * The column under the pointer, or nearest it, and in it the first panel, other than the dragged
 * one, whose middle is below the pointer. Side by side (a wide window), the column whose width
 * the pointer is in wins even below its end, where the other, longer column is nearer; stacked
 * (a narrow window), the nearer by height. Null when there is no column. `gap`: the space
 * between two panels, whose middle the line is drawn in.
 */
export function dropTarget(columns: readonly ColumnBox[], x: number, y: number, dragged: string, gap = 0): DropTarget | null {
  let best: ColumnBox | null = null;
  for (const c of columns) if (!best || remoteness(c, x, y) < remoteness(best, x, y)) best = c;
  if (!best) return null;
  const others = best.panels.filter((p) => p.id !== dragged);
  const next = others.find((p) => (p.top + p.bottom) / 2 > y) ?? null;
  const last = others.at(-1);
  const lineY = next ? next.top - gap / 2 : last ? last.bottom + gap / 2 : best.top;
  return { column: best.column, before: next?.id ?? null, line: { left: best.left, width: best.right - best.left, y: lineY } };
}

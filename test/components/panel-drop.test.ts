/** Where a dragged panel lands (panel-drop.ts): the column nearest the pointer, before the first other panel whose middle is below it. */
import { describe, expect, it } from 'vitest';
import { dropTarget, type ColumnBox } from '../../src-renderer/panel-drop';

const panel = (id: string, top: number, bottom: number, left: number, right: number) => ({ id, top, bottom, left, right });

/** Side by side (a wide window): edit at x 0..500 with a, b, c; watch at x 520..1000 with x, y. */
const WIDE: ColumnBox[] = [
  { column: 'edit', left: 0, right: 500, top: 0, bottom: 610, panels: [panel('a', 0, 100, 0, 500), panel('b', 110, 300, 0, 500), panel('c', 310, 610, 0, 500)] },
  { column: 'watch', left: 520, right: 1000, top: 0, bottom: 400, panels: [panel('x', 0, 200, 520, 1000), panel('y', 210, 400, 520, 1000)] },
];

describe('drop target', () => {
  it('goes before the first panel whose middle is below the pointer, or to the column\'s end', () => {
    expect(dropTarget(WIDE, 100, 10, 'c')).toMatchObject({ column: 'edit', before: 'a', line: { y: 0, left: 0, width: 500 } });
    expect(dropTarget(WIDE, 100, 60, 'c')).toMatchObject({ column: 'edit', before: 'b' });
    expect(dropTarget(WIDE, 100, 600, 'a')).toMatchObject({ column: 'edit', before: null, line: { y: 610 } });
    // The dragged panel itself does not count: over its own lower half, it goes before the next.
    expect(dropTarget(WIDE, 100, 250, 'b')).toMatchObject({ before: 'c' });
    // The line is drawn in the middle of the gap between two panels.
    expect(dropTarget(WIDE, 100, 60, 'c', 10)!.line.y).toBe(105);
    expect(dropTarget(WIDE, 100, 600, 'a', 10)!.line.y).toBe(615);
  });

  it('takes the column nearest the pointer: over it, beside it, below its end, or in the gap between', () => {
    expect(dropTarget(WIDE, 700, 50, 'a')).toMatchObject({ column: 'watch', before: 'x', line: { left: 520, width: 480 } });
    expect(dropTarget(WIDE, 515, 350, 'a')).toMatchObject({ column: 'watch', before: null }); // in the gap, nearer watch, below y's middle
    expect(dropTarget(WIDE, 900, 900, 'a')).toMatchObject({ column: 'watch', before: null, line: { y: 400 } }); // below its end
    expect(dropTarget(WIDE, -50, 200, 'x')).toMatchObject({ column: 'edit', before: 'b' }); // left of the columns
    // Stacked (a narrow window): the column the pointer is over, by height.
    const stacked: ColumnBox[] = [
      { column: 'edit', left: 0, right: 800, top: 0, bottom: 300, panels: [panel('a', 0, 300, 0, 800)] },
      { column: 'watch', left: 0, right: 800, top: 310, bottom: 700, panels: [panel('x', 310, 500, 0, 800), panel('y', 510, 700, 0, 800)] },
    ];
    expect(dropTarget(stacked, 400, 100, 'y')).toMatchObject({ column: 'edit', before: 'a' });
    expect(dropTarget(stacked, 400, 520, 'a')).toMatchObject({ column: 'watch', before: 'y' });
  });

  it('lands in an empty column at its top, and nowhere without columns', () => {
    const empty: ColumnBox[] = [WIDE[0], { column: 'watch', left: 520, right: 1000, top: 0, bottom: 80, panels: [] }];
    expect(dropTarget(empty, 700, 40, 'a')).toMatchObject({ column: 'watch', before: null, line: { y: 0 } });
    expect(dropTarget([], 0, 0, 'a')).toBeNull();
  });
});

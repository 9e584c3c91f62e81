/**
 * Dragging a panel by its title (PanelDeck.vue): pointer events rather than HTML drag and drop, so
 * that a panel's drag never reads as a file dropped on the datasets panel, the line showing where
 * it lands follows the pointer exactly, and a title's double click (maximise) still works: the
 * drag starts only once the pointer has moved a few pixels. Near the window's top or bottom edge
 * (or a scrolling column's) the page scrolls, so a panel can travel the length of a one-column
 * window. Esc drops nothing. Where it lands is panel-drop.ts's rule over the boxes measured here.
 */
import { onBeforeUnmount, ref, type Ref } from 'vue';
import { dropTarget, type ColumnBox, type DropTarget } from './panel-drop';
import type { ColumnName } from './panel-layout';

/** Pixels the pointer moves before a press on a title becomes a drag. */
const THRESHOLD = 6;
/** Pixels from an edge where the page scrolls while dragging, and the most it scrolls a frame. */
const EDGE = 48;
const MAX_STEP = 24;

export interface PanelDrag { id: string; target: DropTarget | null }

/** Controls and inputs in a title keep their own meaning: a press on them starts no drag. */
const NOT_A_HANDLE = 'button, input, select, textarea, a, label';

export function usePanelDrag(root: Ref<HTMLElement | null>, drop: (id: string, column: ColumnName, before: string | null) => void) {
  const drag = ref<PanelDrag | null>(null);
  let press: { id: string; x: number; y: number } | null = null;
  let pointer = { x: 0, y: 0 };
  let frame = 0;

  function measure(): ColumnBox[] {
    return [...(root.value?.querySelectorAll<HTMLElement>('[data-column]') ?? [])].map((col) => {
      const r = col.getBoundingClientRect();
      const panels = [...col.querySelectorAll<HTMLElement>(':scope > [data-panel]')].map((p) => {
        const b = p.getBoundingClientRect();
        return { id: p.dataset.panel!, left: b.left, top: b.top, right: b.right, bottom: b.bottom };
      });
      return { column: col.dataset.column as ColumnName, left: r.left, top: r.top, right: r.right, bottom: r.bottom, panels };
    });
  }

  function aim(): void {
    if (!drag.value || !root.value) return;
    const gap = 0.8 * parseFloat(getComputedStyle(root.value).fontSize);
    drag.value = { id: drag.value.id, target: dropTarget(measure(), pointer.x, pointer.y, drag.value.id, gap) };
  }

  /** Scrolls the window, and a scrolling column under the pointer, while the pointer is near their edges (faster nearer); again each frame while anything scrolls. */
  function autoScroll(): void {
    frame = 0;
    if (!drag.value) return;
    const { x, y } = pointer;
    const speed = (near: number) => Math.ceil(MAX_STEP * Math.min(1, Math.max(0, (EDGE - near) / EDGE)));
    let scrolled = false;
    const scroll = (el: Element, by: number) => {
      const before = el.scrollTop;
      el.scrollTop += by;
      scrolled ||= el.scrollTop !== before;
    };
    scroll(document.scrollingElement ?? document.documentElement, speed(window.innerHeight - y) - speed(y));
    for (const col of root.value?.querySelectorAll<HTMLElement>('[data-column]') ?? []) {
      const r = col.getBoundingClientRect();
      if (col.scrollHeight > col.clientHeight && x >= r.left && x <= r.right && y >= r.top && y <= r.bottom) scroll(col, speed(r.bottom - y) - speed(y - r.top));
    }
    if (!scrolled) return;
    aim();
    frame = requestAnimationFrame(autoScroll);
  }

  function onMove(e: PointerEvent): void {
    pointer = { x: e.clientX, y: e.clientY };
    if (!press) return;
    if (!drag.value) {
      if (Math.hypot(e.clientX - press.x, e.clientY - press.y) < THRESHOLD) return;
      drag.value = { id: press.id, target: null };
      document.body.classList.add('panel-dragging');
    }
    aim();
    if (!frame) frame = requestAnimationFrame(autoScroll);
  }

  function onUp(): void {
    const done = drag.value;
    end();
    if (done?.target) drop(done.id, done.target.column, done.target.before);
  }

  function onKey(e: KeyboardEvent): void {
    if (e.key !== 'Escape' || !drag.value) return;
    // Esc here cancels the drag only, not a running job (the window's own Esc).
    e.stopPropagation();
    e.preventDefault();
    end();
  }

  function end(): void {
    press = null;
    drag.value = null;
    document.body.classList.remove('panel-dragging');
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    window.removeEventListener('pointermove', onMove);
    window.removeEventListener('pointerup', onUp);
    window.removeEventListener('pointercancel', end);
    window.removeEventListener('keydown', onKey, true);
  }

  /** A press in a panel's box: a drag if it is on the panel's title (not a control there) and not on a maximised panel. */
  function onPointerDown(e: PointerEvent): void {
    const el = e.target as HTMLElement;
    if (e.button !== 0 || press || !el.closest('.panel > h2') || el.closest(NOT_A_HANDLE) || el.closest('.panel.maximised')) return;
    const slot = el.closest<HTMLElement>('[data-panel]');
    if (!slot) return;
    press = { id: slot.dataset.panel!, x: e.clientX, y: e.clientY };
    pointer = { x: e.clientX, y: e.clientY };
    window.addEventListener('pointermove', onMove);
    window.addEventListener('pointerup', onUp);
    window.addEventListener('pointercancel', end);
    window.addEventListener('keydown', onKey, true);
  }

  onBeforeUnmount(end);
  return { drag, onPointerDown };
}

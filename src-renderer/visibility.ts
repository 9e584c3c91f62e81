/**
 * Drawing for canvas panels: at most once per animation frame, and not while the panel is off
 * screen (a canvas nobody can see is not redrawn while a job streams in; it is drawn when it
 * scrolls into view). Without IntersectionObserver (a DOM that lacks it) everything counts as
 * visible.
 */
import { onBeforeUnmount, onMounted, type Ref, ref } from 'vue';

function useVisible(el: Ref<HTMLElement | null>, onShow: () => void): Ref<boolean> {
  const visible = ref(true);
  let observer: IntersectionObserver | null = null;
  onMounted(() => {
    if (typeof IntersectionObserver === 'undefined' || !el.value) return;
    observer = new IntersectionObserver((entries) => {
      const now = entries.some((e) => e.isIntersecting);
      const shown = now && !visible.value;
      visible.value = now;
      if (shown) onShow();
    });
    observer.observe(el.value);
  });
  onBeforeUnmount(() => observer?.disconnect());
  return visible;
}

/**
 * Returns `schedule`: asks for one `draw` on the next frame, if the element is on screen. A change
 * of the element's size (the window resized, a panel maximised) schedules one too: canvases are
 * drawn at their size in pixels.
 */
export function useFrameDraw(el: Ref<HTMLElement | null>, draw: () => void): () => void {
  let pending = false;
  const frame = () => { pending = false; draw(); };
  const schedule = () => {
    if (!pending && visible.value) { pending = true; requestAnimationFrame(frame); }
  };
  const visible = useVisible(el, schedule);
  let resized: ResizeObserver | null = null;
  onMounted(() => {
    if (typeof ResizeObserver === 'undefined' || !el.value) return;
    resized = new ResizeObserver(() => schedule());
    resized.observe(el.value);
  });
  onBeforeUnmount(() => resized?.disconnect());
  return schedule;
}

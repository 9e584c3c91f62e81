/**
 * Whether an element is on screen, for panels that draw: a canvas nobody can see is not redrawn
 * while a job streams in (it is drawn when it scrolls into view). Without IntersectionObserver
 * (a DOM that lacks it) everything counts as visible.
 */
import { onBeforeUnmount, onMounted, type Ref, ref } from 'vue';

export function useVisible(el: Ref<HTMLElement | null>, onShow: () => void): Ref<boolean> {
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

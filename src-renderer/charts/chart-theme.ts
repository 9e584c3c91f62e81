/**
 * The colours charts draw their frame in, read from the page's CSS variables (App.vue sets them for
 * light and dark), so a canvas chart follows the system theme like the rest of the page.
 * `onThemeChange` reports a switch of the system theme: canvases are not restyled by CSS and must
 * be drawn again.
 */
export interface ChartTheme { text: string; muted: string; grid: string; axis: string; plot: string; font: string }

export function chartTheme(): ChartTheme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--text', '#222'),
    muted: v('--muted', '#666'),
    grid: v('--border', '#e6e8ee'),
    axis: v('--muted', '#666'),
    plot: v('--plot', '#fafafa'),
    font: `11px ${getComputedStyle(document.body).fontFamily || 'system-ui, sans-serif'}`,
  };
}

/** Calls `f` when the system theme switches; returns the function that stops it. */
export function onThemeChange(f: () => void): () => void {
  if (typeof matchMedia === 'undefined') return () => undefined;
  const query = matchMedia('(prefers-color-scheme: dark)');
  query.addEventListener('change', f);
  return () => query.removeEventListener('change', f);
}

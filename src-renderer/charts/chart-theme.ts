/**
 * The colours charts draw their frame in, read from the page's CSS variables (App.vue sets them for
 * light and dark), so a canvas chart follows the system theme like the rest of the page. Canvases
 * are not restyled by CSS: a chart is made again when colour-scheme.ts reports a switch.
 */
export interface ChartTheme { text: string; muted: string; grid: string; axis: string; plot: string; font: string }

export function chartTheme(): ChartTheme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--text', '#222'),
    muted: v('--muted', '#666'),
    grid: v('--grid', '#eee'),
    axis: v('--muted', '#666'),
    plot: v('--plot', '#fafafa'),
    font: `11px ${getComputedStyle(document.body).fontFamily || 'system-ui, sans-serif'}`,
  };
}

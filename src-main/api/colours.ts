/**
 * One colour per layer (by its position in the job's layer list), the same in every panel of the
 * window, in the HTML reports and in the app's icon: a categorical palette (Tableau 10 without its
 * red and pink, since red means a failure and nothing else), each colour a shade darker every time
 * the palette comes round again. Pure: the window imports it.
 */

/** The categorical palette, in order. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#edc948', '#b07aa1', '#76b7b2', '#9c755f', '#bab0ac'] as const;

/** What marks a failed task or a failed job, in every panel. */
export const FAILURE_COLOUR = '#d62728';

/** The layer's colour as RGB bytes. */
export function layerRgb(layer: number): [number, number, number] {
  const [r, g, b] = hexRgb(PALETTE[layer % PALETTE.length]);
  const shade = 1 - 0.2 * (Math.floor(layer / PALETTE.length) % 3);
  return [Math.round(r * shade), Math.round(g * shade), Math.round(b * shade)];
}

export function layerColour(layer: number): string {
  const [r, g, b] = layerRgb(layer);
  return `rgb(${r}, ${g}, ${b})`;
}

/** A CSS hex colour ("#3a7bd5") as RGB bytes. */
export function hexRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

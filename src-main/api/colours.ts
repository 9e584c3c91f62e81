/**
 * One colour per layer (by its position in the job's layer list), the same in every panel of the
 * window and in the HTML reports. Pure: the window imports it.
 */

/** The layer's colour as RGB bytes (hue stepped by the golden angle; saturation 60%, lightness 55%). */
export function layerRgb(layer: number): [number, number, number] {
  const h = (layer * 137.5) % 360, s = 0.6, l = 0.55;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
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

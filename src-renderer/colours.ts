/** One colour per layer (by its position in the job's layer list), the same in every panel. */
export function layerColour(layer: number): string {
  return `hsl(${(layer * 137.5) % 360}, 60%, 55%)`;
}

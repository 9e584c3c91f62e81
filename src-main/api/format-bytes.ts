/**
 * Bytes in binary units, the same everywhere (window, CLI, reports, advice): "1.5 GiB". Memory is
 * counted in powers of two (pages, chunk stores, limits), and one unit system throughout keeps the
 * panels' numbers comparable. Pure: the window uses it too.
 */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

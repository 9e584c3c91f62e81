/** Counts as the profile writes them: 100000 -> "1e5", 316228 -> "3.2e5", 750 -> "750". Pure (the window uses it too). */
export function formatCount(v: number): string {
  if (v < 1000) return String(v);
  const [m, e] = v.toExponential(1).split('e+');
  return `${m.replace(/\.0$/, '')}e${e}`;
}

/** Small text conversions shared by the panels (no Vue, so component tests can call them). */

export { formatBytes } from '../src-main/api/format-bytes';

/** A dataset's `chunks` as text: "auto", "1000000" or "1000, 1000". */
export function chunkText(chunks: unknown): string {
  if (chunks === undefined) return 'auto';
  return Array.isArray(chunks) ? chunks.join(', ') : String(chunks);
}

/** What the user typed as chunks, as the job spec's value; null when it is not one. */
export function parseChunks(text: string): number | number[] | string | null {
  const t = text.trim();
  if (t === '' || t === 'auto') return 'auto';
  if (/^\d+(\.\d+)?\s*(B|KB|MB|GB|KiB|MiB|GiB)$/i.test(t)) return t; // a byte target, as "auto" lays it out
  const parts = t.split(/[\s,×]+/).filter(Boolean).map(Number);
  if (!parts.length || parts.some((n) => !Number.isInteger(n) || n < 1)) return null;
  return parts.length === 1 ? parts[0] : parts;
}

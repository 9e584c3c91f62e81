/** Byte sizes as people write them (2GB, 512MiB, 1.5e9), and as they are shown. */
import { TesseraError } from './errors.js';


const UNITS: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40, k: 1e3, m: 1e6, g: 1e9,
};

export function parseBytes(s: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[0-9]+)?)\s*([a-z]*)\s*$/i.exec(s);
  const unit = m ? UNITS[(m[2] || 'b').toLowerCase()] : undefined;
  const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  // 1e400GB reads as infinity: a size must be a finite number of bytes a double counts exactly.
  if (!(bytes >= 1 && bytes <= Number.MAX_SAFE_INTEGER))
    throw new TesseraError('BAD_OPTION', `cannot read '${s}' as a size`, 'write a size from 1 byte to 8 PB, such as 2GB, 512MiB or 1500000000');
  return bytes;
}

/**
 * Files a user gets are written through a temp file and a rename (run/write-atomically.ts): two
 * writes of one file at once both finish whole, a failed write leaves neither the file nor a
 * temp file, and a copy (an export saved where the user chose) goes the same way.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyAtomically, writeAtomically } from '../dist/src-main/run/write-atomically.js';
import { tempDir } from './helpers/engine.js';

describe('atomic writes', () => {
  it('writes text and bytes whole, also when two writes of one file overlap', async () => {
    const dir = tempDir();
    const path = join(dir, 'report.html');
    const a = 'a'.repeat(4 << 20), b = 'b'.repeat(4 << 20);
    await Promise.all([writeAtomically(path, a), writeAtomically(path, b)]);
    expect([a, b]).toContain(readFileSync(path, 'utf8'));
    await writeAtomically(join(dir, 'x.npy'), new Uint8Array([1, 2, 3]));
    expect([...readFileSync(join(dir, 'x.npy'))]).toEqual([1, 2, 3]);
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'x.npy']);
  });

  it('a failed write leaves nothing behind; a copy is atomic too', async () => {
    const dir = tempDir();
    await expect(writeAtomically(join(dir, 'no-such-folder', 'f.json'), '{}')).rejects.toThrow();
    await expect(copyAtomically(join(dir, 'missing.npy'), join(dir, 'saved.npy'))).rejects.toThrow();
    expect(readdirSync(dir)).toEqual([]);
    writeFileSync(join(dir, 'src.npy'), 'data');
    await copyAtomically(join(dir, 'src.npy'), join(dir, 'saved.npy'));
    expect(readFileSync(join(dir, 'saved.npy'), 'utf8')).toBe('data');
    expect(readdirSync(dir).sort()).toEqual(['saved.npy', 'src.npy']);
  });
});

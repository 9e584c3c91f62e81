/**
 * A short sanitizer fuzz run of the native parsers (the .npy header, the task decoder, the CSV
 * reader, the table partition format, the HDF5 and Zarr chunk decoders): builds
 * the libFuzzer targets with ASan + UBSan and runs each for a few seconds. Longer runs:
 * `npm run fuzz -- SECONDS`. Needs clang (Debian's `clang`, installed by .ci/run).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** clang with its libFuzzer runtime (Debian: clang + libclang-rt-14-dev). */
function hasLibFuzzer(): boolean {
  const r = spawnSync('clang++', ['-print-runtime-dir'], { encoding: 'utf8' });
  return r.status === 0 && existsSync(join(r.stdout.trim(), 'libclang_rt.fuzzer-x86_64.a'));
}
const hasClang = hasLibFuzzer();

describe('fuzzing', () => {
  // Building every native file with ASan takes a couple of minutes on 2 cores: `npm test` starts
  // that build in the background and runs this file last, so it usually finds the targets built.
  it.skipIf(!hasClang)('the .npy header parser, the task decoder, the CSV reader, TableView, the word counter, the JSON-lines counter and the HDF5 and Zarr chunk decoders survive a sanitizer fuzz run', { timeout: 600_000 }, () => {
    const r = spawnSync('scripts/fuzz.sh', ['3'], { encoding: 'utf8', timeout: 600_000 });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    // The execution counts libFuzzer reports, for each target (more than a few thousand in 3 s).
    for (const target of ['npy_header_fuzz', 'task_decode_fuzz', 'csv_fuzz', 'table_view_fuzz', 'text_fuzz', 'jsonl_fuzz', 'hdf5_chunk_fuzz', 'zarr_chunk_fuzz']) {
      const m = new RegExp(`${target} stat::number_of_executed_units: +(\\d+)`).exec(r.stdout);
      expect(m, `${target}'s execution count in:\n${r.stdout}`).not.toBeNull();
      expect(Number(m![1])).toBeGreaterThan(1000);
    }
  });
  if (!hasClang) console.warn('fuzzing smoke test skipped: clang++ with libFuzzer is not installed (apt-get install clang libclang-rt-14-dev)');
});

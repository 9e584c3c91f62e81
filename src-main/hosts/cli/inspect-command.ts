/** `tessera inspect FILE`: what an array file, a table (CSV, Parquet) or a bag's files hold, from their headers and a sample. */
import { parseArgs } from 'node:util';
import { inspectFile } from '../../collections/array/files.js';
import { isZarrStore } from '../../collections/array/zarr.js';
import { bagFormatOf, inspectText } from '../../collections/bag/index.js';
import { inspectCsv } from '../../collections/dataframe/inspect.js';
import { inspectParquet } from '../../collections/dataframe/inspect-parquet.js';
import { isParquetPath } from '../../collections/dataframe/parquet-files.js';
import { DEFAULT_PARQUET_BLOCKSIZE } from '../../collections/dataframe/parquet-source.js';
import { TesseraError } from '../../engine/errors.js';
import { formatBytes } from '../../api/format-bytes.js';
import type { Io } from './common.js';
import { USAGE } from './usage.js';

export async function cmdInspect(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  if (positionals.length !== 1) throw new TesseraError('BAD_OPTION', 'tessera inspect needs one file', USAGE);
  if (await isParquetPath(positionals[0])) {
    const t = await inspectParquet(positionals[0]);
    if (values.json) io.out(`${JSON.stringify(t)}\n`);
    else {
      const nulls = (n: number | null) => (n === null ? '' : `, ${n} null`);
      io.out(`${t.path}\n  kind     ${t.kind} (${t.format}${t.files > 1 ? `, ${t.files} files` : ''})\n` +
        `${t.columns.map((c) => `  column   ${c.name}: ${c.unsupported ? `${c.unsupported} (not readable yet)` : c.dtype}${nulls(c.nulls)}\n`).join('')}  rows     ${t.rows}\n` +
        `  bytes    ${formatBytes(t.bytes)} on disk\n  parts    ${t.partitions} partition(s) of ${t.rowGroups} row group(s), merged up to ${formatBytes(DEFAULT_PARQUET_BLOCKSIZE)}\n`);
    }
    return 0;
  }
  // A Zarr store is a folder of chunk files: not a folder of text.
  const bag = (await isZarrStore(positionals[0])) ? null : await bagFormatOf(positionals[0]);
  if (bag) {
    const t = await inspectText(positionals[0], bag);
    if (values.json) io.out(`${JSON.stringify({ path: positionals[0], kind: 'bag', ...t })}\n`);
    else {
      const what = bag === 'jsonl' ? 'records' : 'lines';
      io.out(`${positionals[0]}\n  kind     bag (${bag === 'jsonl' ? 'JSON lines' : 'text'}${t.files.length > 1 ? `, ${t.files.length} files` : ''})\n` +
        `  ${what.padEnd(8)} ${t.estimatedLines === null ? 'unknown (compressed)' : `about ${t.estimatedLines} (estimated from the first lines)`}\n` +
        `  bytes    ${formatBytes(t.bytes)} on disk\n  parts    ${t.partitions} partition(s)\n  first    ${t.firstLines.slice(0, 5).join('\n           ')}\n`);
    }
    return 0;
  }
  if (/\.(csv|tsv)(\.gz)?$/i.test(positionals[0]) || /[*?]/.test(positionals[0])) {
    const t = await inspectCsv(positionals[0]);
    if (values.json) io.out(`${JSON.stringify(t)}\n`);
    else {
      io.out(`${t.path}\n  kind     ${t.kind} (${t.format}, separator ${JSON.stringify(t.sep)}, ${t.header ? 'with' : 'no'} header${t.files > 1 ? `, ${t.files} files` : ''})\n` +
        `${t.columns.map((c) => `  column   ${c.name}: ${c.dtype}\n`).join('')}  rows     about ${t.estimatedRows} (estimated from a sample)\n` +
        `  bytes    ${formatBytes(t.bytes)} on disk\n  parts    ${t.partitions} partition(s) of up to ${formatBytes(t.blocksize)}\n`);
    }
    return 0;
  }
  const info = await inspectFile(positionals[0]);
  if (values.json) {
    io.out(`${JSON.stringify(info)}\n`);
  } else if (info.kind === 'store') {
    const width = Math.max(8, ...info.datasets.map((d) => d.name.length));
    const key = info.format === 'hdf5' ? 'hdf5' : 'zarr';
    io.out(`${info.path}\n  kind     ${info.format === 'hdf5' ? 'HDF5' : 'Zarr'}, ${info.datasets.length} ${info.format === 'hdf5' ? 'dataset' : 'array'}(s), ${formatBytes(info.bytes)} on disk\n` +
      info.datasets.map((d) => `  ${d.name.padEnd(width)}  ${(d.dtype ?? `${d.type} (no array dtype)`).padEnd(8)}  (${d.shape.join(', ')})  ` +
        `${d.chunks.length ? `chunks (${d.chunks.join(', ')})` : d.layout}${d.filters.length ? ` ${d.filters.join('+')}` : ''}\n`).join('') +
      (info.datasets.length ? `  read one in a job as {"${key}": "${info.path}"${info.datasets[0].name ? `, "dataset": "${info.datasets[0].name}"` : ''}}\n` : `  it holds no ${info.format === 'hdf5' ? 'datasets' : 'arrays'}\n`));
  } else {
    io.out(`${info.path}\n  kind     ${info.kind} (${info.format}, ${info.order} order)\n  dtype    ${info.dtype}\n  shape    (${info.shape.join(', ')})\n` +
      `  bytes    ${formatBytes(info.bytes)} on disk\n  chunks   (${info.suggestedChunks.map((d) => d[0]).join(', ')}) suggested, ${info.suggestedChunks.reduce((a, d) => a * d.length, 1)} chunks\n`);
  }
  return 0;
}

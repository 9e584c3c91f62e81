/**
 * The files a CSV dataset names: one file, a folder (its .csv/.tsv/.txt files, gzip-compressed
 * too), or a glob whose last part has `*` or `?` (`trips/*.csv`); engine/input-paths.ts.
 */
import { inputFiles } from '../../engine/input-paths.js';

const CSV_FILES = { folderFiles: /\.(csv|tsv|txt)(\.gz)?$/i, what: 'CSV files', folderHint: 'a folder is read for its .csv, .tsv and .txt files (and .gz ones)' };

export const csvFiles = (path: string): Promise<string[]> => inputFiles(path, CSV_FILES);

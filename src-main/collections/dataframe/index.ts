/** The dataframe collection: CSV and generated sources, the table plan, its lowering and computing. */
export * from './compute.js';
export * from './csv-files.js';
export * from './csv-source.js';
export * from './schema.js';
export * from './table-node.js';
export * from './table-source.js';
export * from './timeseries-source.js';
export * from './evaluate.js';
export * from './inspect.js';
export * from './inspect-parquet.js';
export * from './parquet-files.js';
export * from './parquet-source.js';
export * from './dense.js';
export * from './write-tables.js';
export * from './sql/index.js';

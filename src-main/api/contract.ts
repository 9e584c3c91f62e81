/**
 * The API contract between a host (Electron IPC, the web host's WebSocket) and the renderer:
 * requests, responses and events, each with a runtime schema that the receiving side validates.
 * No logic lives here. The renderer imports these types and schemas only.
 */
import { z } from 'zod';

export const API_VERSION = 1;

/** A job spec as the job-spec file format defines it (the service validates it fully). */
export const JobSpecSchema = z.object({
  tessera: z.literal(1),
  datasets: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  /** An expression, or {"sql": "select ..."} (an SQL query over the job's tables). */
  outputs: z.record(z.string(), z.union([z.string(), z.object({ sql: z.string() }).strict()])),
  /** A module of the user's functions: runs only if the user chose it in the desktop app's dialog. */
  functions: z.string().max(4096).optional(),
  /** Calls of its functions (collections/delayed/spec.ts validates them). */
  delayed: z.record(z.string(), z.unknown()).optional(),
});
export type JobSpecInput = z.infer<typeof JobSpecSchema>;

export const RunOptionsSchema = z.object({
  memoryLimit: z.string().max(32).nullable().default(null),  // "2GB", as on the command line
  workers: z.number().int().min(1).max(256).nullable().default(null), // null: one per core
  scheduler: z.enum(['threads', 'sync']).default('threads'),
  /** A Dask scheduler's address (tcp://HOST:PORT) or local:N: the job runs on that cluster (ADR 0029); null: on this machine. */
  cluster: z.string().max(512).nullable().default(null),
  /** Array outputs to keep in memory after the job (dask's persist): later jobs read one as the dataset {"persisted": NAME}. */
  persist: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).max(128)).max(64).default([]),
}).default({ memoryLimit: null, workers: null, scheduler: 'threads', cluster: null, persist: [] });
export type RunOptions = z.infer<typeof RunOptionsSchema>;

export const ErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string(),
  task: z.string().optional(),
  position: z.object({ output: z.string().optional(), start: z.number(), end: z.number() }).optional(),
  dataset: z.string().optional(),
});
export type ApiError = z.infer<typeof ErrorSchema>;

/** One value of a table's row: JSON null is a null (NaN) value. */
export const CellSchema = z.union([z.number(), z.string(), z.boolean(), z.null()]);

export const TableVocabularySchema = z.object({
  frame: z.array(z.string()), groupby: z.array(z.string()), series: z.array(z.string()), str: z.array(z.string()), dt: z.array(z.string()),
});
export type TableVocabulary = z.infer<typeof TableVocabularySchema>;

// ---- requests and responses -----------------------------------------------------------------

/** What can be exported from a finished job: an output ("out." + its name), the trace, the report. */
/** `out.NAME` (a table: `out.NAME.csv` or `out.NAME.parquet`, Parquet unless said), `trace` or `report`. */
export const EXPORT_WHAT = /^(trace|report|out\.[A-Za-z_][A-Za-z0-9_]*(\.(csv|parquet))?)$/;

/** The id a page gives the files of one dropped folder as it uploads them. */
export const UPLOAD_GROUP = /^[A-Za-z0-9]{8,32}$/;

/** The file format of an exported output: .npy (arrays, scalars) or, for tables, CSV or Parquet. */
export const ExportFormatSchema = z.enum(['npy', 'csv', 'parquet']);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

/** A layer of a job's task graph: one operation (fused chain) over the chunks of an array. */
export const LayerSchema = z.object({
  name: z.string(), label: z.string(), kind: z.string(), tasks: z.number(), deps: z.array(z.string()),
  grid: z.array(z.array(z.number())).optional(), itemsize: z.number().optional(),
  /** The box its task indices lie in (the grid's chunk counts for grid layers): see task-columns.ts. */
  indexShape: z.array(z.number()).optional(),
});

export const ArrayDatasetSchema = z.object({
  name: z.string(),          // the name to use in expressions
  path: z.string(),
  kind: z.literal('array'),
  format: z.string(),
  dtype: z.string(),
  shape: z.array(z.number()),
  bytes: z.number(),
  order: z.enum(['C', 'F']),
  suggestedChunks: z.array(z.array(z.number())),
});
export type ArrayDataset = z.infer<typeof ArrayDatasetSchema>;

/** A table column as a dataset lists it: `nulls` where the format knows it (Parquet footers), else null. */
export const TableColumnSchema = z.object({ name: z.string(), dtype: z.string(), nulls: z.number().nullable() });

/** A CSV/TSV or Parquet file, or a folder of them: its schema, rows and partitions (a job reads it as {"csv"|"parquet": path}). */
export const TableDatasetSchema = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.literal('table'),
  format: z.enum(['csv', 'parquet']),
  files: z.number(),
  columns: z.array(TableColumnSchema),
  bytes: z.number(),
  /** Exact (Parquet footers), or null where only an estimate is known (CSV). */
  rows: z.number().nullable(),
  /** Rows from a sample (CSV) or exact (Parquet). */
  estimatedRows: z.number(),
  partitions: z.number(),
  /** CSV: the bytes per partition a job reads by default (the spec's "blocksize"). */
  blocksize: z.number().optional(),
});
export type TableDataset = z.infer<typeof TableDatasetSchema>;

/** Lines of text or JSON lines (a file, a folder's files): a bag a job reads as {"text"|"jsonl": path}. */
export const BagDatasetSchema = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.literal('bag'),
  format: z.enum(['text', 'jsonl']),
  files: z.number(),
  bytes: z.number(),
  partitions: z.number(),
  /** From the first lines' mean length; null where the files are compressed. */
  estimatedLines: z.number().nullable(),
  firstLines: z.array(z.string()),
});
export type BagDataset = z.infer<typeof BagDatasetSchema>;

/** One array inside a store (an HDF5 file's dataset, a Zarr group's array): `dtype` null where it has no array dtype (float16, strings, compounds: `type` says). */
export const StoreMemberSchema = z.object({
  name: z.string(), dtype: z.string().nullable(), type: z.string(), shape: z.array(z.number()),
  layout: z.string(), chunks: z.array(z.number()), filters: z.array(z.string()),
});
export type StoreMember = z.infer<typeof StoreMemberSchema>;

/**
 * A store of named arrays: an HDF5 file or a Zarr store (a folder). A job reads one as
 * {"hdf5" | "zarr": path, "dataset": name} (a Zarr array store itself: its member's name is '').
 */
export const StoreDatasetSchema = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.literal('store'),
  format: z.enum(['hdf5', 'zarr']),
  bytes: z.number(),
  datasets: z.array(StoreMemberSchema),
});
export type StoreDataset = z.infer<typeof StoreDatasetSchema>;

/** An array kept in memory by an earlier job (persist): a job reads it as {"persisted": name}. */
export const PersistedArraySchema = z.object({
  name: z.string(), dtype: z.string(), shape: z.array(z.number()), bytes: z.number(),
  /** Chunks per dimension. */
  chunks: z.array(z.number()),
  /** The job that computed it; when it was made and last made or read (epoch ms / a use counter). */
  job: z.string(), createdAt: z.number(), lastUsed: z.number(),
});
export type PersistedArrayInfo = z.infer<typeof PersistedArraySchema>;

export const DatasetSchema = z.discriminatedUnion('kind', [ArrayDatasetSchema, TableDatasetSchema, BagDatasetSchema, StoreDatasetSchema]);
export type Dataset = z.infer<typeof DatasetSchema>;

export const Requests = {
  hello: { params: z.object({}), result: z.object({
    version: z.number(), host: z.enum(['web', 'electron']), workers: z.number(), simd: z.string(),
    /** Built-in jobs; `memoryLimit` is the run option a sample is meant to run under. */
    samples: z.array(z.object({ name: z.string(), title: z.string(), spec: JobSpecSchema, memoryLimit: z.string().optional() })),
    /** Names an expression may use, for completion in the editor. */
    vocabulary: z.object({
      functions: z.array(z.string()), methods: z.array(z.string()), constants: z.array(z.string()),
      /** Table expressions (absent from older hosts): methods of frames, group-bys, Series, `.str` and `.dt`. */
      tables: TableVocabularySchema.optional(),
    }),
  }) },
  runJob: { params: z.object({ spec: JobSpecSchema, options: RunOptionsSchema }), result: z.object({ jobId: z.string() }) },
  cancelJob: { params: z.object({ jobId: z.string().max(64) }), result: z.object({ cancelled: z.boolean() }) },
  /** A file the user dropped or opened (Electron: its path; the web host uploads instead). */
  addDataset: { params: z.object({ path: z.string().min(1).max(4096) }), result: DatasetSchema },
  listDatasets: { params: z.object({}), result: z.array(DatasetSchema) },
  /**
   * The web host: a dropped folder whose files were uploaded with `PUT /upload?group=G&folder=F&name=REL`
   * becomes one dataset (a folder of CSV or Parquet files).
   */
  addUploadedFolder: { params: z.object({ group: z.string().regex(UPLOAD_GROUP) }), result: DatasetSchema },
  /** The first rows of a listed table dataset (a small job, queued with the others). */
  previewDataset: { params: z.object({ name: z.string().max(256) }), result: z.object({ columns: z.array(z.string()), dtypes: z.array(z.string()), rows: z.array(z.array(CellSchema)) }) },
  /** The arrays kept in memory by earlier jobs (RunOptions.persist), least recently used first. */
  listPersisted: { params: z.object({}), result: z.array(PersistedArraySchema) },
  /** Frees a kept array now; the arrays still kept. */
  releasePersisted: { params: z.object({ name: z.string().max(128) }), result: z.object({ released: z.boolean(), persisted: z.array(PersistedArraySchema) }) },
  /** Finished jobs kept on disk, newest first. */
  listHistory: { params: z.object({}), result: z.array(z.object({ jobId: z.string(), finished: z.number(), state: z.enum(['done', 'failed', 'cancelled']), outputs: z.array(z.string()), wall_s: z.number().optional() })) },
  /** One finished job: its spec, results or error, stats and task stream. */
  getJob: { params: z.object({ jobId: z.string().regex(/^job-[a-z0-9-]+$/) }), result: z.object({
    jobId: z.string(), finished: z.number(), spec: JobSpecSchema, state: z.enum(['done', 'failed', 'cancelled']),
    outputs: z.array(z.unknown()), error: ErrorSchema.nullable(), stats: z.record(z.string(), z.number()), records: z.array(z.unknown()),
    layers: z.array(LayerSchema).optional(),
    samples: z.array(z.unknown()).optional(),
    chunking: z.array(z.object({ dataset: z.string(), grid: z.array(z.array(z.number())), reason: z.string() })).optional(),
  }) },
  /**
   * Profiles a job's chunking (see `tessera profile`): runs it at a sweep of chunk sizes (elements
   * per chunk of one dataset; log-spaced when none are given), `repeat` times each.
   */
  profileJob: { params: z.object({
    spec: JobSpecSchema, options: RunOptionsSchema,
    dataset: z.string().max(128).nullable().default(null),
    chunks: z.array(z.number().positive()).max(24).nullable().default(null),
    repeat: z.number().int().min(1).max(10).default(3),
  }), result: z.object({ jobId: z.string() }) },
  /** Writes an output (as .npy) or the job's trace (Chrome/Perfetto JSON) and says where. */
  /** what: "out.NAME" (an output as .npy), "trace" (Chrome/Perfetto JSON) or "report" (HTML). */
  /** format: for a table output, "csv" or "parquet" (absent: .npy, as before; optional so older windows still work). */
  exportFile: { params: z.object({ jobId: z.string().regex(/^job-[a-z0-9-]+$/), what: z.string().regex(EXPORT_WHAT).max(128), format: ExportFormatSchema.optional() }), result: z.object({ path: z.string(), fileName: z.string() }) },
} as const;

export type Method = keyof typeof Requests;
export type Params<M extends Method> = z.input<(typeof Requests)[M]['params']>;
export type Result<M extends Method> = z.infer<(typeof Requests)[M]['result']>;

/** A request on the wire: {id, method, params}; the answer: {id, result} or {id, error}. */
export const RequestEnvelope = z.object({ id: z.number().int(), method: z.string().max(64), params: z.unknown() });

// ---- events ---------------------------------------------------------------------------------

/**
 * An integer column of the task stream, in the narrowest type that holds its values exactly
 * (api/task-columns.ts narrowColumn): most batches need a byte or two per value, not four or eight.
 */
const IntColumn = z.union([z.instanceof(Uint8Array), z.instanceof(Uint16Array), z.instanceof(Int32Array), z.instanceof(Uint32Array)]);
/** A numeric column: integers narrowed as IntColumn, anything else Float64Array. */
const NumberColumn = z.union([IntColumn, z.instanceof(Float64Array)]);

/** Whether every typed column of an event has the same length. */
function sameLengths(data: object): boolean {
  const lengths = Object.values(data).flatMap((v) => (ArrayBuffer.isView(v) ? [(v as Uint8Array).length] : []));
  return lengths.every((n) => n === lengths[0]);
}

/** A task record as the job history keeps it (and as the engine's trace has it). */
export const TaskRecordSchema = z.object({
  key: z.string(), layer: z.string(), kind: z.string(), worker: z.number(), start: z.number(), stop: z.number(), bytesIn: z.number(), bytesOut: z.number(),
});
export type TaskRecordEvent = z.infer<typeof TaskRecordSchema>;

const ScalarValue = z.union([z.number(), z.boolean(), z.string()]);
const HistogramSchema = z.object({
  lo: z.number(), hi: z.number(), counts: z.array(z.number()),
  /** Elements counted (all of a small output; an even sample of a large file), of `total`. */
  sampled: z.number(), total: z.number(), nan: z.number(),
});
export type Histogram = z.infer<typeof HistogramSchema>;
const OutputSchema = z.object({
  /**
   * A table's dtype is per column (`dtypes`); scalars and arrays have one. A list (a bag's
   * frequencies) has `count` values, inline in `values` or written to `path` (JSON lines); a value
   * is what a user's function returned, as JSON.
   */
  name: z.string(), kind: z.enum(['scalar', 'array', 'table', 'list', 'value']), dtype: z.string().optional(),
  value: z.union([ScalarValue, z.unknown()]).optional(), shape: z.array(z.number()).optional(), values: z.unknown().optional(), path: z.string().optional(),
  count: z.number().optional(),
  histogram: HistogramSchema.optional(),
  /** Tables: the columns, their dtypes, the rows held inline (at most 10,000) and how many there are. */
  columns: z.array(z.string()).optional(), dtypes: z.array(z.string()).optional(),
  rows: z.array(z.array(CellSchema)).optional(), nrows: z.number().optional(),
  /** Kept in memory after the job (RunOptions.persist): a later job reads it as {"persisted": name}. */
  persisted: z.boolean().optional(),
});
export type OutputEvent = z.infer<typeof OutputSchema>;

export const EventSchemas = {
  'job.started': z.object({
    jobId: z.string(), tasks: z.number(),
    /** The worker threads the job runs on (tasks beyond them are queued). */
    workers: z.number().optional(),
    /** The Dask cluster it runs on, with its own dashboard (a job run with options.cluster). */
    cluster: z.object({ address: z.string(), workers: z.number(), threads: z.number(), dashboard: z.string() }).optional(),
    layers: z.array(LayerSchema),
    outputs: z.array(z.object({ name: z.string(), shape: z.array(z.number()), dtype: z.string(), grid: z.array(z.array(z.number())) })),
    /** For small graphs (at most GRAPH_DETAIL_TASKS tasks): every task and the tasks it reads. */
    graph: z.object({ keys: z.array(z.string()), deps: z.array(z.array(z.number())) }).optional(),
    /** What the user should know before the job runs (e.g. a mapped chunk over the memory limit). */
    warnings: z.array(z.string()).optional(),
    /** Bytes the store holds for arrays kept by earlier jobs, besides this job's (the memory limit covers both). */
    keptBytes: z.number().optional(),
  }),
  'job.progress': z.object({
    jobId: z.string(), done: z.number(), total: z.number(), running: z.number(), elapsed: z.number(),
    layers: z.record(z.string(), z.object({ done: z.number(), running: z.number(), total: z.number() })),
  }),
  /**
   * Finished tasks since the last batch, as typed columns (10^5 tasks per job; sent as one binary
   * frame, see wire.ts). A task is named by its layer (the position in job.started's `layers`) and
   * its chunk number (the C-order position of its index in that layer's `indexShape`); start and
   * stop are epoch milliseconds.
   */
  'job.tasks': z.object({
    jobId: z.string(), layer: IntColumn, chunk: IntColumn, worker: IntColumn,
    start: z.instanceof(Float64Array), stop: z.instanceof(Float64Array), bytesIn: NumberColumn, bytesOut: NumberColumn,
  }).refine(sameLengths, 'the task columns differ in length'),
  /**
   * Layers besides the graph's, numbered after job.started's `layers` in this order: a job's
   * spills and reads back (api/disk-layers.ts), sent once, before the first task batch with them.
   */
  'job.layers': z.object({ jobId: z.string(), layers: z.array(LayerSchema) }),
  /** Chunks whose state changed since the last batch (running, released): layer, chunk number, ChunkState. */
  'job.chunks': z.object({ jobId: z.string(), layer: IntColumn, chunk: IntColumn, state: z.instanceof(Uint8Array) })
    .refine(sameLengths, 'the chunk columns differ in length'),
  /** Memory samples since the last batch (one every 50 ms while a job runs). */
  'job.memory': z.object({ jobId: z.string(), samples: z.array(z.object({ t: z.number(), storeBytes: z.number(), rssBytes: z.number(), mappedBytes: z.number().optional(), perWorker: z.array(z.number()), limitBytes: z.number().nullable(), spilledBytes: z.number().optional() })) }),
  /** The worker lanes' names where they are not "worker N": a cluster's worker threads, by host and port, as they first run a task. */
  'job.lanes': z.object({ jobId: z.string(), names: z.array(z.string()) }),
  'job.done': z.object({
    jobId: z.string(), outputs: z.array(OutputSchema), stats: z.record(z.string(), z.number()),
    /** The arrays kept in memory after the job, and those the memory limit released to make room (persist). */
    persisted: z.array(PersistedArraySchema).optional(), released: z.array(z.string()).optional(),
  }),
  /** `persisted`: the arrays kept after it (a failed job keeps none, but may have released some to make room). */
  'job.failed': z.object({ jobId: z.string(), error: ErrorSchema, persisted: z.array(PersistedArraySchema).optional() }),
  'profile.progress': z.object({ jobId: z.string(), done: z.number(), total: z.number(), value: z.number() }),
  /** A finished profile: the numbers per chunking (the window charts them), the advice, and the fastest and slowest runs' timelines as SVG markup. */
  'profile.done': z.object({
    jobId: z.string(), dataset: z.string(), workers: z.number(), recommended: z.number(), best: z.number(),
    /** The recommended chunking as the dataset's "chunks": a chunk's size per dimension. */
    recommendedChunks: z.array(z.number()),
    recommendation: z.string(), explanations: z.array(z.string()), warnings: z.array(z.string()),
    points: z.array(z.object({
      value: z.number(), chunkShape: z.array(z.number()), chunkBytes: z.number(), chunks: z.number(), wall: z.object({ median: z.number(), min: z.number(), max: z.number() }),
      tasks: z.number(), taskMs: z.number(), computeShare: z.number(), overheadShare: z.number(), idleShare: z.number(),
      peakManagedBytes: z.number(), peakUnmanagedBytes: z.number(), bytesRead: z.number(),
    })),
    bestSvg: z.string(), worstSvg: z.string(),
    /** The Dask cluster the profile ran on (a profile with options.cluster). */
    cluster: z.object({ address: z.string(), workers: z.number(), threads: z.number(), dashboard: z.string() }).optional(),
  }),
} as const;

/** Graphs up to this many tasks are sent task by task (the graph panel can expand them). */
export const GRAPH_DETAIL_TASKS = 400;

export type EventName = keyof typeof EventSchemas;
export type EventData<E extends EventName> = z.infer<(typeof EventSchemas)[E]>;
export type ApiEvent = { [E in EventName]: { event: E; data: EventData<E> } }[EventName];

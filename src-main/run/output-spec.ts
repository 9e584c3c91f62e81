/** An output of a job spec: a pandas/numpy-style expression, or an SQL query over the job's tables. */
export type OutputSpec = string | { sql: string };

/** An output's text (the query of an SQL output). */
export const outputText = (o: OutputSpec): string => (typeof o === 'string' ? o : o.sql);

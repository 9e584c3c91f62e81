// The functions of examples/delayed/job.json: dask.delayed's first example, in TypeScript.
export const inc = (x: number): number => x + 1;
export const double = (x: number): number => x * 2;
export const add = (x: number, y: number): number => x + y;
export const total = (...xs: number[]): number => xs.reduce((a, b) => a + b, 0);

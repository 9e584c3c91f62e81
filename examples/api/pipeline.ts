// The user's functions for example.mjs: plain exports, transpiled as the workers load them.
export const inc = (x: number): number => x + 1;
export const double = (x: number): number => 2 * x;
export const add = (a: number, b: number): number => a + b;
export const total = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
export const isLong = (word: string): boolean => [...word].length > 6;

#!/usr/bin/env node
/**
 * Elementwise functions per thread: `f(x).sum()` over 10M uniform float64 on one worker (the
 * values generated in the same pass), next to numpy's f(x).sum() with x already in memory (one
 * thread); then the same in float32 (x.astype('float32') generated the same way, numpy's x a
 * float32 array). Where the time of a fused chain goes, function by function.
 *
 *   node bench/ufuncs.mjs                   (TESSERA_SIMD=avx2 for the AVX2 kernels)
 */
import { computeArrays } from '../dist/src-main/collections/array/compute.js';
import { Engine } from '../dist/src-main/engine/engine.js';
import { ExprContext } from '../dist/src-main/collections/array/expr.js';
import { Evaluator, randomArray } from '../dist/src-main/collections/array/index.js';
import { best, python, pyTimer } from './timing.mjs';

const N = 10_000_000;
const FUNCS = ['x', 'exp(x)', 'log(x)', 'sin(x)', 'cos(x)', 'tan(x)', 'log1p(x)', 'sqrt(x)', 'x ** 1.7'];

const numpy = python(`${pyTimer(5)}
import numpy as np
out = {}
for dtype in ('float64', 'float32'):
    x = np.random.default_rng(1).random(${N}).astype(dtype)
    for f in ${JSON.stringify(FUNCS)}:
        g = eval('lambda x: (' + f.replace('exp(', 'np.exp(').replace('log1p(', 'np.log1p(').replace('log(', 'np.log(').replace('sin(', 'np.sin(').replace('cos(', 'np.cos(').replace('tan(', 'np.tan(').replace('sqrt(', 'np.sqrt(') + ').sum()')
        out[dtype + ' ' + f] = best(lambda: g(x))
print(json.dumps(out))`);

const engine = await Engine.start({ workers: 1 });
console.log(`\nSIMD level: ${engine.simd}`);
for (const dtype of ['float64', 'float32']) {
  console.log(`\n| f(x).sum(), 10M ${dtype} | Tessera, 1 worker (generates x) | numpy, 1 thread (x in memory) | ratio |\n|---|---|---|---|`);
  for (const f of FUNCS) {
    const ctx = new ExprContext();
    const uniform = randomArray(ctx, { dist: 'uniform', shape: [N], seed: 1, chunks: [1_000_000] });
    const ev = new Evaluator(ctx, new Map([['u', uniform]]));
    const x = dtype === 'float64' ? uniform : ev.evaluateOutput("u.astype('float32')");
    const node = new Evaluator(ctx, new Map([['x', x]])).evaluateOutput(`(${f}).sum()`);
    const t = await best(() => computeArrays(engine, [{ name: 's', node }]), 5);
    const np = numpy?.[`${dtype} ${f}`];
    console.log(`| ${f} | ${(N / t / 1e6).toFixed(0)} M/s | ${np ? `${(N / np / 1e6).toFixed(0)} M/s` : '-'} | ${np ? `${(np / t).toFixed(2)} x numpy` : ''} |`);
  }
}
await engine.close();

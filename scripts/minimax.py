#!/usr/bin/env python3
"""Minimax polynomials of native/kernels/simd/exp_log.h and trig.h, by Remez exchange in 256-bit
mpmath (Debian's python3-mpmath; a development tool, not used by the build or the tests).

    /usr/bin/python3 scripts/minimax.py exp|log|sin|cos DEGREE

prints the coefficients, lowest order first (the headers list them highest first), and the largest
weighted error with the coefficients rounded to double. The kernels use exp 10, log 6, sin 5, cos 5.
  exp: exp(r) = 1 + r + r^2 P(r), |r| <= ln(2)/2, error relative to exp(r)
  log: 2 atanh(s) = 2s + s z L(z), z = s^2, |s| <= (sqrt 2 - 1)/(sqrt 2 + 1), relative to 2 atanh(s)
  sin: sin(a) = a - a^3/6 + a^5 P(z), z = a^2, |a| <= pi/4, relative to sin(a)
  cos: cos(a) = 1 - z/2 + z^2 Q(z), relative to cos(a)
(each range widened by 1e-4 for the reductions' rounding).
"""
import sys

import mpmath as mp

mp.mp.prec = 256


def remez(g, w, a, b, n, iters=40, grid=4000):
    """p of degree n minimising max |w (g - p)| on [a, b]."""
    m = n + 2
    ref = [(a + b) / 2 - (b - a) / 2 * mp.cos(mp.pi * (j + 0.5) / m) for j in range(m)]
    c = []
    for _ in range(iters):
        A = mp.matrix(m, m)
        rhs = mp.matrix(m, 1)
        for j, t in enumerate(ref):
            for i in range(n + 1):
                A[j, i] = t ** i
            A[j, n + 1] = (-1) ** j / w(t)
            rhs[j] = g(t)
        sol = mp.lu_solve(A, rhs)
        c = [sol[i] for i in range(n + 1)]
        level = abs(sol[n + 1])

        def err(t):
            return w(t) * (g(t) - sum(ci * t ** i for i, ci in enumerate(c)))

        ts = [a + (b - a) * (1 - mp.cos(mp.pi * k / grid)) / 2 for k in range(grid + 1)]
        es = [err(t) for t in ts]
        # the largest |error| of each run of one sign, refined by golden-section search
        ext, k = [], 0
        while k <= grid:
            sign, best = mp.sign(es[k]) or 1, k
            while k <= grid and (mp.sign(es[k]) or 1) == sign:
                if abs(es[k]) > abs(es[best]):
                    best = k
                k += 1
            ext.append(best)
        pts = []
        for idx in ext:
            lo, hi = ts[max(idx - 1, 0)], ts[min(idx + 1, grid)]
            for _ in range(60):
                m1, m2 = lo + (hi - lo) * 0.382, lo + (hi - lo) * 0.618
                if abs(err(m1)) > abs(err(m2)):
                    hi = m2
                else:
                    lo = m1
            pts.append((lo + hi) / 2)
        while len(pts) > m:
            pts.pop(0 if abs(err(pts[0])) < abs(err(pts[-1])) else -1)
        if len(pts) < m:
            break
        ref = pts
        if abs(max(abs(err(t)) for t in pts) - level) < level * mp.mpf('1e-6'):
            break
    return c


def problem(name):
    tiny = mp.mpf('1e-30')
    if name == 'exp':
        h = mp.log(2) / 2 * mp.mpf('1.0001')
        g = lambda r: mp.mpf(1) / 2 + r / 6 if abs(r) < tiny else (mp.exp(r) - 1 - r) / r ** 2
        w = lambda r: r ** 2 / mp.exp(r) if r != 0 else mp.mpf('1e-100')
        return g, w, -h, h
    if name == 'log':
        smax = (mp.sqrt(2) - 1) / (mp.sqrt(2) + 1) * mp.mpf('1.0001')
        g = lambda z: mp.mpf(2) / 3 + 2 * z / 5 if z < tiny else (2 * mp.atanh(mp.sqrt(z)) - 2 * mp.sqrt(z)) / (mp.sqrt(z) * z)
        w = lambda z: mp.sqrt(z) * z / (2 * mp.atanh(mp.sqrt(z))) if z > 0 else mp.mpf('1e-100')
        return g, w, mp.mpf(0), smax ** 2
    Z = (mp.pi / 4) ** 2 * mp.mpf('1.0001')
    if name == 'sin':
        g = lambda z: mp.mpf(1) / 120 - z / 5040 if z < tiny else (mp.sin(mp.sqrt(z)) - mp.sqrt(z) + mp.sqrt(z) ** 3 / 6) / mp.sqrt(z) ** 5
        w = lambda z: mp.sqrt(z) ** 5 / mp.sin(mp.sqrt(z)) if z > 0 else mp.mpf('1e-100')
        return g, w, mp.mpf(0), Z
    if name == 'cos':
        g = lambda z: mp.mpf(1) / 24 - z / 720 if z < tiny else (mp.cos(mp.sqrt(z)) - 1 + z / 2) / z ** 2
        w = lambda z: z ** 2 / mp.cos(mp.sqrt(z)) if z > 0 else mp.mpf('1e-100')
        return g, w, mp.mpf(0), Z
    raise SystemExit(__doc__)


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    g, w, a, b = problem(sys.argv[1])
    c = [float(ci) for ci in remez(g, w, a, b, int(sys.argv[2]))]
    worst = max(abs(w(t) * (g(t) - sum(mp.mpf(ci) * t ** i for i, ci in enumerate(c))))
                for t in (a + (b - a) * k / 20000 for k in range(20001)))
    print(f'{sys.argv[1]}, degree {len(c) - 1}: max weighted error with double coefficients 2^{mp.nstr(mp.log(worst, 2), 4)}')
    for ci in c:
        print(f'  {ci!r}')


if __name__ == '__main__':
    main()

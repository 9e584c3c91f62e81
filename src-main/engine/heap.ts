/** A binary min-heap of task numbers ordered by their priority (the scheduler's ready queues). */
export class ReadyHeap {
  private readonly a: number[] = [];

  constructor(private readonly prio: Float64Array) {}

  get size(): number {
    return this.a.length;
  }

  /** The task with the smallest priority, or -1 when empty. */
  peek(): number {
    return this.a.length ? this.a[0] : -1;
  }

  push(t: number): void {
    const a = this.a, p = this.prio;
    a.push(t);
    let i = a.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (p[a[up]] <= p[a[i]]) break;
      [a[up], a[i]] = [a[i], a[up]];
      i = up;
    }
  }

  pop(): number {
    const a = this.a, p = this.prio;
    const top = a[0];
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < a.length && p[a[l]] < p[a[m]]) m = l;
        if (r < a.length && p[a[r]] < p[a[m]]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

/** A one-line progress bar on stderr, redrawn at most every 100 ms (only on a terminal). */
import type { EngineEvent } from '../../engine/events.js';

export class ProgressBar {
  private last = 0;
  private readonly t0 = Date.now();
  private shown = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  onEvent = (e: EngineEvent): void => {
    if (e.type !== 'progress' || !this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.last < 100 && e.progress.done < e.progress.total) return;
    this.last = now;
    const { done, total } = e.progress;
    const frac = total ? done / total : 1;
    const width = 30;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '-');
    const secs = (now - this.t0) / 1000;
    const left = frac > 0 && frac < 1 ? ` ~${((secs / frac) * (1 - frac)).toFixed(1)}s left` : '';
    this.stream.write(`\r[${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${total} tasks ${secs.toFixed(1)}s${left}   `);
    this.shown = true;
  };

  end(): void {
    if (this.shown) this.stream.write('\n');
    this.shown = false;
  }
}

/**
 * Ctrl-C, `kill` (SIGTERM) and a closed terminal (SIGHUP) all cancel the running job the same
 * way: running tasks finish, partial output files are removed, and the process exits with 128 +
 * the signal's number. A second signal exits at once.
 */
import { constants } from 'node:os';
import type { Io } from './common.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof SIGNALS)[number];

let received: StopSignal | null = null;

/** The exit code for a job cancelled by a signal (130 for Ctrl-C, and when none was seen). */
export function cancelledExitCode(): number {
  return 128 + constants.signals[received ?? 'SIGINT'];
}

/** Cancels through `abort` on the first signal; returns the function that stops listening. */
export function cancelOnSignals(abort: AbortController, io: Io): () => void {
  const handlers = SIGNALS.map((sig) => {
    const h = () => {
      if (received) process.exit(cancelledExitCode());
      received = sig;
      io.err(`\n${sig === 'SIGINT' ? 'Ctrl-C' : sig}: cancelling (again to quit at once)...\n`);
      abort.abort();
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  return () => { for (const [sig, h] of handlers) process.off(sig, h); };
}

/** Resolves on the first of the stop signals (for `serve`). */
export function untilStopSignal(): Promise<StopSignal> {
  return new Promise((resolve) => {
    const handlers = SIGNALS.map((sig) => {
      const h = () => { for (const [s, f] of handlers) process.off(s, f); received = sig; resolve(sig); };
      process.on(sig, h);
      return [sig, h] as const;
    });
  });
}

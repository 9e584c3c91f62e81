/**
 * The engine's one error type. Every failure a user can cause or meet carries a stable code, a
 * message that says what happened, a hint that says what to do next, and where known the task
 * key (a failure while running) or the position in an expression (a parse or type error).
 */
import { isNativeError } from '../native/addon.js';

export interface ErrorPosition {
  output?: string;   // the job output whose expression is at fault
  start: number;     // character offsets in that expression
  end: number;
}

export class TesseraError extends Error {
  readonly code: string;
  readonly hint: string;
  task?: string;
  position?: ErrorPosition;
  /** The job-spec dataset at fault (a missing file, a bad shape), so a window can mark it. */
  dataset?: string;
  /** 'input' errors (bad spec, expression or file) exit with 2; 'run' errors with 1. */
  readonly phase: 'input' | 'run';
  /** Where a user's function threw: its own stack, not the engine's (USER_FUNCTION_FAILED). */
  userStack?: string;

  constructor(code: string, message: string, hint = '', opts: { task?: string; position?: ErrorPosition; dataset?: string; phase?: 'input' | 'run'; userStack?: string } = {}) {
    super(message);
    this.name = 'TesseraError';
    this.code = code;
    this.hint = hint;
    this.task = opts.task;
    this.position = opts.position;
    this.dataset = opts.dataset;
    this.phase = opts.phase ?? 'input';
    this.userStack = opts.userStack;
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { code: this.code, message: this.message, hint: this.hint };
    if (this.task) out.task = this.task;
    if (this.position) out.position = this.position;
    if (this.dataset) out.dataset = this.dataset;
    if (this.userStack) out.userStack = this.userStack;
    return out;
  }
}

/** Wraps anything thrown (a native error, a JS error) into a TesseraError. */
export function toTesseraError(e: unknown, opts: { task?: string; phase?: 'input' | 'run' } = {}): TesseraError {
  if (e instanceof TesseraError) {
    if (opts.task && !e.task) e.task = opts.task;
    return e;
  }
  if (isNativeError(e)) return new TesseraError(e.code, e.message, e.hint, opts);
  if (e && typeof e === 'object' && 'code' in e && 'message' in e && 'hint' in e) {
    const o = e as { code: string; message: string; hint: string; task?: string };
    return new TesseraError(o.code, o.message, o.hint, { ...opts, task: opts.task ?? o.task });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new TesseraError('INTERNAL', msg, 'this is a bug, please report it with the job spec', opts);
}

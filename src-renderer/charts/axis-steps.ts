/**
 * Tick steps and labels for the window's chart axes. Bytes step in powers of two (256 MiB, 512 MiB,
 * 1 GiB), so every tick is a round number in the binary units the panels print. (Time axes use
 * time-ticks.ts, as the timeline does.)
 */
import { formatBytes } from '../../src-main/api/format-bytes';

/** 1 B, 2 B, 4 B ... 512 TiB. */
export const BYTE_STEPS: number[] = Array.from({ length: 50 }, (_, k) => 2 ** k);

/** A byte tick's label: exact in its unit for power-of-two steps ("512 KiB", "1.5 GiB"), without a needless ".0". */
export function byteTick(v: number): string {
  return formatBytes(v).replace(/\.0 /, ' ');
}

/** A seconds tick's label, with the decimals the step between ticks needs (a profile's wall times: seconds, not ms from an origin). */
export function secondTick(v: number, step: number): string {
  const decimals = Math.max(0, Math.min(4, -Math.floor(Math.log10(step) + 1e-9)));
  return `${v.toFixed(decimals)} s`;
}

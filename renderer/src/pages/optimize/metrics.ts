// Numbers of a variant relative to its float parent, and how to show them. Pure: no React.
import { whereTimed } from '../../../../electron/core/api/timing-words.js';
import type { TimingSource, VariantFlag, VariantRow } from '../../../../electron/core/api/types.js';

export const good = '#4cc98a';
export const bad = '#ff6b6b';
export const amber = '#ffb547';

export const flagLabels: Record<VariantFlag['code'], string> = {
  SLOWER_THAN_PARENT: 'slower than float',
  LOW_AGREEMENT: 'low agreement',
  LOW_SQNR: 'low SQNR',
  ACCURACY_DROP: 'accuracy drop',
  NOT_EVALUATED: 'not evaluated',
};

export interface Relative {
  /** Variant size / parent size. */
  sizeRatio: number | null;
  /** Variant latency / parent latency (below 1 is faster). */
  latencyRatio: number | null;
  /** Top-1 drop against the parent in points (positive = worse). */
  dropPts: number | null;
}

export function relative(row: VariantRow, parent: VariantRow, parentSize: number | null): Relative {
  const m = row.metrics;
  const p = parent.metrics;
  if (!m) return { sizeRatio: null, latencyRatio: null, dropPts: null };
  const pSize = p?.sizeBytes ?? parentSize;
  const sizeRatio = pSize ? m.sizeBytes / pSize : null;
  const latencyRatio = m.latencyRatio ?? (m.latencyP50Ms !== null && p?.latencyP50Ms ? m.latencyP50Ms / p.latencyP50Ms : null);
  const dropPts = m.top1 !== null && p?.top1 !== null && p?.top1 !== undefined ? (p.top1 - m.top1) * 100 : null;
  return { sizeRatio, latencyRatio, dropPts };
}

export const ratio = (x: number | null, digits = 2) => (x === null || !Number.isFinite(x) ? '–' : `${x.toFixed(digits)}×`);
export const pct = (x: number | null, digits = 1) => (x === null || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(digits)} %`);
export const db = (x: number | null) => (x === null ? '–' : !Number.isFinite(x) ? '∞ dB' : `${x.toFixed(1)} dB`);
/** Signed points: "−0.42 pts" for a drop (shown as a loss), "+0.10 pts" for a gain. */
export const dropText = (dropPts: number | null) => {
  if (dropPts === null || !Number.isFinite(dropPts)) return '–';
  const d = -dropPts;
  if (Math.abs(d) < 0.005) return '±0.00 pts';
  return `${d > 0 ? '+' : '−'}${Math.abs(d).toFixed(2)} pts`;
};

/** "on device kiosk-3 (ARM Cortex-A76, no dot-product)"; "on this workstation" when timed here (the same words as flags and the CLI). */
export const timedWhere = (t: TimingSource | undefined): string => whereTimed(t, 'on this workstation');

// Small pure formatters for numbers, times and shapes shown in the UI.
import type { Dim } from '../../../electron/core/api/types.js';

export { formatBytes, formatJobKind, formatProgress, formatJobState } from '../../../electron/core/jobs/progress.js';

/** 1_234_567 → "1.23 M"; used for parameter and node counts. */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return n.toLocaleString('en-US');
}

/** MACs as M/G: 312_400_000 → "312.4 MMACs", 1.2e9 → "1.20 GMACs". */
export function formatMacs(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GMACs`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MMACs`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kMACs`;
  return `${n} MACs`;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function formatUs(us: number): string {
  if (!Number.isFinite(us)) return '–';
  if (us >= 1000) return us.toFixed(0);
  if (us >= 10) return us.toFixed(1);
  return us.toFixed(2);
}

export function formatPercent(fraction: number, digits = 1): string {
  if (!Number.isFinite(fraction)) return '–';
  return `${(fraction * 100).toFixed(digits)}%`;
}

export function formatSpeedup(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '–';
  return `${x.toFixed(2)}×`;
}

export function shortSha(sha: string): string {
  return sha.slice(0, 12);
}

/** ISO time → "2024-05-01 14:03" in local time; "–" for null. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "3 min ago" style, for last-seen columns. */
export function formatAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

/** Tensor shape with symbolic dims kept as names: [batch, 3, 224, 224]; "unknown rank" when null. */
export function formatShape(shape: Dim[] | null): string {
  if (shape === null) return 'unknown rank';
  if (shape.length === 0) return 'scalar';
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

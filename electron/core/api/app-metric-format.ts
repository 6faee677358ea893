// How an application metric reads to a person, the same in the CLI and the UI: a count as events
// per 1,000 inferences (false alarms are rare, percentages of them hide the difference), a value as
// its mean; a comparison as a ratio with its 95 % interval.
import type { AbMetricRatio, AbMetricStats } from './types.js';

function num(x: number, digits = 2): string {
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: x !== 0 && Math.abs(x) < 10 ? Math.min(digits, 2) : 0 });
}

export function formatMetricLevel(m: AbMetricStats | undefined): string {
  if (!m) return '–';
  if (m.level === null) return m.kind === 'count' ? `${m.n} events, no inferences` : '–';
  return m.kind === 'count'
    ? `${num(m.level * 1000)} per 1,000 inferences (${m.n.toLocaleString('en-US')} in ${(m.inferences ?? 0).toLocaleString('en-US')})`
    : `mean ${num(m.level, 3)} (n ${m.n.toLocaleString('en-US')})`;
}

export function formatMetricRatio(r: AbMetricRatio | undefined): string {
  if (!r) return '–';
  if (r.estimate === null) return r.note ?? 'not compared';
  const ci = r.low !== null && r.high !== null ? ` [${num(r.low)}, ${num(r.high)}]` : '';
  const p = r.pValue === null ? '' : r.pValue < 0.0001 ? ' · p < 0.0001' : ` · p = ${r.pValue.toFixed(4)}`;
  return `${num(r.estimate)}×${ci}${p}`;
}

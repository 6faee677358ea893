import { Alert, AlertTitle, Box, Button } from '@mui/material';
import type { VariantFlag, VariantMetrics, VariantRow } from '../../../../electron/core/api/types.js';
import { formatBytes, formatMs } from '../../format/format.js';
import { href } from '../../router/hash-route.js';
import { FlagChips } from './FlagChips.js';
import { dropText, ratio, timedWhere } from './metrics.js';

export interface OptimizeRunResult {
  variantId: string;
  metrics: VariantMetrics;
  flags: VariantFlag[];
}

export const isRunResult = (x: unknown): x is OptimizeRunResult =>
  !!x && typeof x === 'object' && typeof (x as OptimizeRunResult).variantId === 'string' && !!(x as OptimizeRunResult).metrics;

/** The variant a run just created, with its verdict: passed, or what the safety checks found. */
export function RunResult({ result, row, parent }: { result: OptimizeRunResult; row: VariantRow | undefined; parent: VariantRow | undefined }) {
  const m = result.metrics;
  const flags = result.flags.length ? result.flags : m.flags;
  const severity = flags.some((f) => f.level === 'error') ? 'error' : flags.length ? 'warning' : 'success';
  const p = parent?.metrics ?? null;
  const parts = [
    `${formatBytes(m.sizeBytes)}${p?.sizeBytes ? ` (${ratio(m.sizeBytes / p.sizeBytes)} of float)` : ''}`,
    m.latencyP50Ms === null ? 'latency not measured' : `p50 ${formatMs(m.latencyP50Ms)}${m.latencyRatio === null ? '' : ` (${ratio(m.latencyRatio)})`}`,
    m.top1 === null ? 'top-1 not evaluated' : `top-1 ${dropText(p?.top1 !== null && p?.top1 !== undefined ? (p.top1 - m.top1) * 100 : null)} vs float`,
  ];
  const name = row ? `${row.name} v${row.version}` : 'the new variant';
  return (
    <Alert
      severity={severity}
      variant="outlined"
      data-testid="optimize-result"
      data-variant-id={result.variantId}
      action={
        <Box sx={{ display: 'flex', gap: 1, alignSelf: 'center' }}>
          <Button size="small" color="inherit" href={href('models', [result.variantId])}>
            Open
          </Button>
          <Button size="small" color="inherit" href={href('profiling', [], { model: result.variantId })}>
            Profile
          </Button>
        </Box>
      }
    >
      <AlertTitle sx={{ fontWeight: 600 }}>
        {severity === 'success' ? `Created ${name}: all safety checks passed` : `Created ${name}, but check it before shipping`}
      </AlertTitle>
      <Box sx={{ fontVariantNumeric: 'tabular-nums' }}>{parts.join(' · ')}</Box>
      <Box sx={{ mt: 0.5, color: 'text.secondary' }} data-testid="optimize-timed-on">
        {timedOn(m)}
      </Box>
      {(m.tuning?.deviceLayers ?? []).length > 0 && (
        <Box component="ul" sx={{ mt: 0.5, mb: 0, pl: 2.5 }} data-testid="optimize-device-layers">
          {m.tuning!.deviceLayers!.map((l) => (
            <li key={l.node}>
              {l.node}: {l.reason}
            </li>
          ))}
        </Box>
      )}
      {flags.length > 0 && (
        <Box sx={{ mt: 1 }}>
          <FlagChips flags={flags} />
        </Box>
      )}
    </Alert>
  );
}

/** Where the latency was measured, with the device's runtime, p95 and peak memory when it was a device. */
export function timedOn(m: VariantMetrics): string {
  const t = m.timing;
  if (!t || t.kind === 'workstation') return `Latency measured ${timedWhere(t)}${t ? ` (${t.cpu}, ${t.runtime})` : ''}.`;
  const d = m.deviceLatency;
  const extra = d ? `; p95 ${formatMs(d.p95Ms)}${d.peakBytes ? `, peak memory ${formatBytes(d.peakBytes)}` : ''}` : '';
  const c = m.deviceCost;
  const cost = c ? ` Sent ${c.uploads} candidate${c.uploads === 1 ? '' : 's'} (${formatBytes(c.bytesSent)}), ran ${c.profiles} profile${c.profiles === 1 ? '' : 's'}, ${(c.deviceMs / 1000).toFixed(1)} s on the device.` : '';
  return `Latency measured ${timedWhere(t)} with ${t.runtime}${extra}.${cost}`;
}

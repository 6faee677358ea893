import { Grid } from '@mui/material';
import type { ProfileResult } from '../../../../electron/core/api/types.js';
import { StatCard } from '../../components/StatCard.js';
import { formatBytes, formatMs, formatPercent } from '../../format/format.js';

/** Whole-model latency, peak memory, and how much of the run time the per-node trace explains. */
export function LatencyCards({ profile }: { profile: ProfileResult }) {
  const l = profile.latencyMs;
  const coverage = profile.runTimeUs > 0 ? profile.nodeTimeUs / profile.runTimeUs : NaN;
  const cards: [string, string, string, string][] = [
    ['Mean', formatMs(l.mean), `min ${formatMs(l.min)} · max ${formatMs(l.max)}`, 'lat-mean'],
    ['p50', formatMs(l.p50), 'median run', 'lat-p50'],
    ['p95', formatMs(l.p95), '1 run in 20 is slower', 'lat-p95'],
    ['p99', formatMs(l.p99), '1 run in 100 is slower', 'lat-p99'],
    ['Peak memory', formatBytes(profile.peakMemoryBytes), 'resident, during the runs', 'peak-memory'],
    ['Node-time coverage', formatPercent(coverage, 0), 'time inside nodes / run time', 'coverage'],
  ];
  return (
    <Grid container spacing={2}>
      {cards.map(([label, value, hint, id]) => (
        <Grid key={id} size={{ xs: 6, md: 4, lg: 2 }}>
          <StatCard label={label} value={value} hint={hint} testId={id} />
        </Grid>
      ))}
    </Grid>
  );
}

import { Box, CircularProgress, Grid, Typography } from '@mui/material';
import { ErrorCard } from '../../components/ErrorCard.js';
import { SectionCard } from '../../components/SectionCard.js';
import { formatTime } from '../../format/format.js';
import { href } from '../../router/hash-route.js';
import { useRequest } from '../../store/useRequest.js';
import { LatencyCards } from './LatencyCards.js';
import { LayerChart } from './LayerChart.js';
import { OpBreakdownChart } from './OpBreakdownChart.js';
import { ProfileRowsGrid } from './ProfileRowsGrid.js';

/** One stored profile: latency, slowest layers, time by op type, and every row. */
export function ProfileView({ id }: { id: string }) {
  const profile = useRequest('profiling.get', { id });
  const p = profile.data;
  if (profile.error) return <ErrorCard error={profile.error} onRetry={profile.reload} />;
  if (!p) {
    return (
      <Box sx={{ p: 4, display: 'flex', justifyContent: 'center' }}>
        <CircularProgress />
      </Box>
    );
  }
  return (
    <Box data-testid="profile-view" data-profile-id={p.id} sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Box>
        <Typography variant="h5" component="h2">
          {p.modelId ? (
            <Box component="a" href={href('models', [p.modelId])} sx={{ color: 'inherit' }}>
              {p.modelName}
            </Box>
          ) : (
            p.modelName
          )}{' '}
          <Typography component="span" color="text.secondary">
            profiled {formatTime(p.createdAt)}
          </Typography>
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {p.device.name} · {p.device.cpu} ({p.device.arch}, {p.device.platform}) · {p.runtime.name} {p.runtime.version} · {p.options.runs} runs after{' '}
          {p.options.warmup} warm-up · {p.options.threads === 0 ? 'default threads' : `${p.options.threads} threads`} · input {p.options.input}{p.options.graphOptimization ? ` · graph optimization ${p.options.graphOptimization}` : ''}
        </Typography>
        {p.energy && (
          <Typography variant="body2" color={p.energy.available ? 'text.primary' : 'text.secondary'} data-testid="profile-energy">
            {p.energy.available
              ? `Energy per inference: ${(p.energy.joulesPerInference * 1000).toFixed(3)} mJ${p.energy.low !== null && p.energy.high !== null ? ` (95 % interval ${(p.energy.low * 1000).toFixed(3)}–${(p.energy.high * 1000).toFixed(3)} mJ)` : ''} from ${p.energy.source.name}, idle ${p.energy.idlePowerW.toFixed(2)} W subtracted, ${p.energy.inferences} inferences over ${p.energy.loadSeconds.toFixed(0)} s`
              : `Energy per inference: not available. ${p.energy.reason}`}
          </Typography>
        )}
      </Box>
      <LatencyCards profile={p} />
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, lg: 7 }}>
          <SectionCard title="Slowest layers" subtitle="Top 20 by mean time per run, coloured by op type">
            <LayerChart rows={p.rows} />
          </SectionCard>
        </Grid>
        <Grid size={{ xs: 12, lg: 5 }}>
          <SectionCard title="Time by op type" subtitle="Share of the time spent inside nodes">
            <OpBreakdownChart breakdown={p.opBreakdown} />
          </SectionCard>
        </Grid>
      </Grid>
      <SectionCard title="All layers" subtitle={`${p.rows.length} rows as ONNX Runtime ran them (fused nodes are one row). Click a header to sort.`} flush>
        <ProfileRowsGrid rows={p.rows} />
      </SectionCard>
    </Box>
  );
}

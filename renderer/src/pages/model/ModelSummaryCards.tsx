import { Chip, Grid, Tooltip, Typography } from '@mui/material';
import { uncountedMacsNote } from '../../../../electron/core/api/macs-note.js';
import type { InspectReport } from '../../../../electron/core/api/types.js';
import { StatCard } from '../../components/StatCard.js';
import { formatBytes, formatCount, formatMacs } from '../../format/format.js';

/** Nodes, parameters, weights by type, MACs and whether ONNX Runtime can load the model. */
export function ModelSummaryCards({ inspect }: { inspect: InspectReport }) {
  const weightTypes = Object.entries(inspect.weightBytes).sort((a, b) => b[1] - a[1]);
  return (
    <Grid container spacing={2}>
      <Grid size={{ xs: 6, md: 4, lg: 2 }}>
        <StatCard label="Nodes" value={inspect.nodeCount.toLocaleString('en-US')} hint={`${Object.keys(inspect.opCounts).length} op types`} testId="stat-nodes" />
      </Grid>
      <Grid size={{ xs: 6, md: 4, lg: 2 }}>
        <StatCard label="Parameters" value={formatCount(inspect.parameterCount)} hint={inspect.parameterCount.toLocaleString('en-US')} testId="stat-params" />
      </Grid>
      <Grid size={{ xs: 6, md: 4, lg: 2.5 }}>
        <StatCard
          label="Weights"
          value={formatBytes(inspect.weightBytesTotal)}
          hint={weightTypes.length ? weightTypes.map(([t, b]) => `${t} ${formatBytes(b)}`).join(' · ') : 'no initializers'}
          testId="stat-weights"
        />
      </Grid>
      <Grid size={{ xs: 6, md: 4, lg: 2.5 }}>
        <StatCard
          label="Compute per inference"
          value={formatMacs(inspect.macs.total)}
          hint={uncountedMacsNote(inspect) || 'multiply-accumulates'}
          testId="stat-macs"
        />
      </Grid>
      <Grid size={{ xs: 12, md: 8, lg: 3 }}>
        <StatCard
          label={inspect.tflite ? 'ONNX Runtime (its conversion)' : 'ONNX Runtime'}
          testId="stat-loadable"
          value={
            <Chip
              data-testid="loadable-chip"
              data-ok={inspect.loadable.ok}
              label={inspect.loadable.ok ? 'Loads' : 'Does not load'}
              color={inspect.loadable.ok ? 'success' : 'error'}
              size="medium"
            />
          }
          hint={
            inspect.loadable.error ? (
              <Tooltip title={inspect.loadable.error}>
                <Typography variant="caption" color="error.light" sx={{ display: '-webkit-box', WebkitLineClamp: 2, WebkitBoxOrient: 'vertical', overflow: 'hidden' }}>
                  {inspect.loadable.error}
                </Typography>
              </Tooltip>
            ) : (
              'checked on this workstation'
            )
          }
        />
      </Grid>
    </Grid>
  );
}

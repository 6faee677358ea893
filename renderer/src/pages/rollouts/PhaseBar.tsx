import { Box, Tooltip, Typography } from '@mui/material';
import type { RolloutDeviceCounts } from '../../../../electron/core/api/types.js';
import { devicePhases } from './rollout-look.js';

/** Devices per state as one stacked bar and a legend with counts. */
export function PhaseBar({ counts, total }: { counts: RolloutDeviceCounts; total: number }) {
  const shown = devicePhases.filter((p) => (counts[p.phase] ?? 0) > 0);
  return (
    <Box data-testid="phase-bar">
      <Box sx={{ display: 'flex', height: 14, borderRadius: 1, overflow: 'hidden', bgcolor: 'action.hover' }}>
        {shown.map((p) => (
          <Tooltip key={p.phase} title={`${p.label}: ${counts[p.phase]}`}>
            <Box sx={{ width: `${(100 * counts[p.phase]) / Math.max(1, total)}%`, bgcolor: p.color }} />
          </Tooltip>
        ))}
      </Box>
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap', mt: 1 }}>
        {devicePhases.map((p) => (
          <Box key={p.phase} sx={{ display: 'flex', alignItems: 'center', gap: 0.75, opacity: counts[p.phase] ? 1 : 0.5 }} data-testid="phase-count" data-phase={p.phase}>
            <Box sx={{ width: 10, height: 10, borderRadius: '2px', bgcolor: p.color }} />
            <Typography variant="body2">
              {p.label} <strong style={{ fontVariantNumeric: 'tabular-nums' }}>{(counts[p.phase] ?? 0).toLocaleString('en-US')}</strong>
            </Typography>
          </Box>
        ))}
      </Box>
    </Box>
  );
}

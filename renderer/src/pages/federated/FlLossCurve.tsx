import { Box, Typography } from '@mui/material';
import { LineChart } from '@mui/x-charts/LineChart';
import type { FlRoundSummary } from '../../../../electron/core/api/types.js';

/** Held-out loss before and after each finished round, oldest first: the curve a person watches fall. */
export function FlLossCurve({ rounds }: { rounds: FlRoundSummary[] }) {
  const done = rounds.filter((r) => r.lossBefore !== null || r.lossAfter !== null).sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  if (done.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        No round has been evaluated yet.
      </Typography>
    );
  }
  return (
    <Box data-testid="fl-loss-curve" data-points={done.length}>
      <LineChart
        height={220}
        skipAnimation
        xAxis={[{ data: done.map((_, i) => i + 1), scaleType: 'point', label: 'round', tickLabelStyle: { fontSize: 10 } }]}
        yAxis={[{ width: 56, tickNumber: 4, tickLabelStyle: { fontSize: 10 } }]}
        series={[
          { data: done.map((r) => r.lossBefore), label: 'incumbent (before)', color: '#ffb547', connectNulls: false },
          { data: done.map((r) => r.lossAfter), label: 'candidate (after)', color: '#4cc98a', connectNulls: false },
        ]}
        slotProps={{ legend: { sx: { fontSize: 11 } } }}
        margin={{ left: 0, right: 20, top: 8, bottom: 0 }}
      />
    </Box>
  );
}

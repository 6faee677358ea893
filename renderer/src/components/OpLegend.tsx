import { Box } from '@mui/material';
import { opColor } from '../format/op-colors.js';

/** Colour key for op types, matching the graph and the charts. */
export function OpLegend({ ops, testId }: { ops: string[]; testId?: string }) {
  return (
    <Box data-testid={testId} sx={{ display: 'flex', flexWrap: 'wrap', gap: 1.5, rowGap: 0.5 }}>
      {ops.map((op) => (
        <Box key={op} sx={{ display: 'flex', alignItems: 'center', gap: 0.5, fontSize: 12, color: 'text.secondary' }}>
          <Box sx={{ width: 10, height: 10, borderRadius: '2px', bgcolor: opColor(op) }} />
          {op}
        </Box>
      ))}
    </Box>
  );
}

import { Paper, Typography } from '@mui/material';
import type { ReactNode } from 'react';

/** A fingerprint a person reads out or copies to another channel: big, monospaced, wrapping anywhere. */
export function Fingerprint({ label, value, testId, children }: { label: string; value: string; testId: string; children?: ReactNode }) {
  return (
    <Paper variant="outlined" sx={{ p: 2, borderColor: 'primary.main' }}>
      <Typography variant="overline" color="text.secondary" component="p">
        {label}
      </Typography>
      <Typography data-testid={testId} sx={{ fontFamily: 'monospace', fontSize: 18, overflowWrap: 'anywhere', userSelect: 'all' }}>
        {value}
      </Typography>
      {children && (
        <Typography variant="body2" component="div" sx={{ mt: 1 }}>
          {children}
        </Typography>
      )}
    </Paper>
  );
}

import { Typography } from '@mui/material';
import type { ReactNode } from 'react';

/** One label and value of a device card's definition list (a two-column grid around it). */
export function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <>
      <Typography variant="body2" color="text.secondary" component="dt" sx={{ whiteSpace: 'nowrap' }}>
        {label}
      </Typography>
      <Typography variant="body2" component="dd" data-testid={testId} sx={{ m: 0, minWidth: 0, overflowWrap: 'anywhere' }}>
        {children}
      </Typography>
    </>
  );
}

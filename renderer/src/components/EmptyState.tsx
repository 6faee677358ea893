import { Box, Paper, Typography } from '@mui/material';
import type { ReactNode } from 'react';

interface Props {
  icon?: ReactNode;
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  testId?: string;
}

/** What a page shows when there is nothing yet: what it is for, and the next step. */
export function EmptyState({ icon, title, children, action, testId = 'empty-state' }: Props) {
  return (
    <Paper variant="outlined" data-testid={testId} sx={{ p: 4, textAlign: 'center', borderStyle: 'dashed' }}>
      {icon && <Box sx={{ color: 'text.secondary', '& svg': { fontSize: 48 }, mb: 1 }}>{icon}</Box>}
      <Typography variant="h6" component="p">
        {title}
      </Typography>
      {children && (
        <Typography variant="body2" color="text.secondary" component="div" sx={{ mt: 1, maxWidth: 620, mx: 'auto' }}>
          {children}
        </Typography>
      )}
      {action && <Box sx={{ mt: 2.5, display: 'flex', gap: 1, justifyContent: 'center', flexWrap: 'wrap' }}>{action}</Box>}
    </Paper>
  );
}

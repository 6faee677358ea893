import { Box, Card, CardContent, Typography } from '@mui/material';
import type { ReactNode } from 'react';

interface Props {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  testId?: string;
  /** Content without padding (grids, charts that bring their own). */
  flush?: boolean;
}

/** A titled block of a page. */
export function SectionCard({ title, subtitle, actions, children, testId, flush }: Props) {
  return (
    <Card data-testid={testId}>
      <Box sx={{ px: 2, pt: 1.5, pb: flush ? 1.5 : 0, display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Box sx={{ flex: 1, minWidth: 0 }}>
          <Typography variant="h6" component="h2">
            {title}
          </Typography>
          {subtitle && (
            <Typography variant="caption" color="text.secondary" component="div">
              {subtitle}
            </Typography>
          )}
        </Box>
        {actions}
      </Box>
      {flush ? children : <CardContent sx={{ pt: 1.5 }}>{children}</CardContent>}
    </Card>
  );
}

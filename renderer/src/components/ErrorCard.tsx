import ErrorOutlinedIcon from '@mui/icons-material/ErrorOutlined';
import { Box, Button, Paper, Typography } from '@mui/material';
import type { ErrorData } from '../../../electron/core/api/types.js';

interface Props {
  error: Pick<ErrorData, 'title' | 'detail'> & { code?: string };
  onRetry?: () => void;
  retryLabel?: string;
}

/** A failed request as a person reads it: the title big, the detail below. Never a stack trace. */
export function ErrorCard({ error, onRetry, retryLabel = 'Try again' }: Props) {
  return (
    <Paper
      data-testid="error-card"
      role="alert"
      variant="outlined"
      sx={{ p: 2, display: 'flex', gap: 1.5, alignItems: 'flex-start', borderColor: 'error.main', bgcolor: 'rgba(255,107,107,0.06)' }}
    >
      <ErrorOutlinedIcon color="error" sx={{ mt: 0.25 }} />
      <Box sx={{ flex: 1, minWidth: 0 }}>
        <Typography variant="h6" component="p" data-testid="error-title" sx={{ color: 'error.light' }}>
          {error.title}
        </Typography>
        <Typography variant="body2" data-testid="error-detail" sx={{ mt: 0.5, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {error.detail}
        </Typography>
      </Box>
      {onRetry && (
        <Button variant="outlined" color="error" size="small" onClick={onRetry}>
          {retryLabel}
        </Button>
      )}
    </Paper>
  );
}

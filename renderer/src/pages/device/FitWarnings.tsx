import { Alert, AlertTitle, Box, Typography } from '@mui/material';
import type { FitWarning } from '../../../../electron/core/api/types.js';

/** The warnings of a model on a board (devices.get's activeModelFit, devices.checkFit), one alert each. */
export function FitWarnings({ warnings, caption, testId = 'fit-warnings' }: { warnings: (FitWarning & { devices?: { id: string; name: string }[] })[]; caption?: string; testId?: string }) {
  if (warnings.length === 0) return null;
  return (
    <Box data-testid={testId} sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      {caption && (
        <Typography variant="caption" color="text.secondary">
          {caption}
        </Typography>
      )}
      {warnings.map((w) => (
        <Alert key={`${w.code}-${w.detail}`} severity="warning" variant="outlined" data-testid="fit-warning" data-code={w.code}>
          <AlertTitle data-testid="fit-warning-title">
            {w.title}
            {w.devices && (
              <Typography component="span" variant="body2" color="text.secondary">
                {' '}
                · {w.devices.length === 1 ? w.devices[0].name : `${w.devices.length} devices`}
              </Typography>
            )}
          </AlertTitle>
          <Typography variant="body2" data-testid="fit-warning-detail" sx={{ overflowWrap: 'anywhere' }}>
            {w.detail}
          </Typography>
          {w.devices && w.devices.length > 1 && (
            <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 0.5 }}>
              {w.devices.slice(0, 5).map((d) => d.name).join(', ')}
              {w.devices.length > 5 ? ` and ${w.devices.length - 5} more` : ''}
            </Typography>
          )}
        </Alert>
      ))}
    </Box>
  );
}

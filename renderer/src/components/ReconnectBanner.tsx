import { Alert, CircularProgress } from '@mui/material';
import { useConnection } from '../store/useConnection.js';

/** Browser mode: a small banner while the event stream is down and being re-established. */
export function ReconnectBanner() {
  const state = useConnection();
  if (state !== 'reconnecting') return null;
  return (
    <Alert
      data-testid="reconnecting"
      severity="warning"
      icon={<CircularProgress size={16} color="inherit" />}
      sx={{ borderRadius: 0, py: 0 }}
    >
      Reconnecting… Live updates are paused until the link to the EdgeFleet service is back.
    </Alert>
  );
}

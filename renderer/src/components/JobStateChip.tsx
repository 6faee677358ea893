import { Chip } from '@mui/material';
import type { JobState } from '../../../electron/core/api/types.js';

const look: Record<JobState, { label: string; color: 'default' | 'info' | 'success' | 'error' | 'warning' }> = {
  queued: { label: 'Queued', color: 'default' },
  running: { label: 'Running', color: 'info' },
  succeeded: { label: 'Succeeded', color: 'success' },
  failed: { label: 'Failed', color: 'error' },
  cancelled: { label: 'Cancelled', color: 'warning' },
};

export function JobStateChip({ state }: { state: JobState }) {
  const { label, color } = look[state];
  return <Chip data-testid="job-state" data-state={state} label={label} color={color} variant={state === 'running' ? 'filled' : 'outlined'} />;
}

import { Box, Button, LinearProgress, Typography } from '@mui/material';
import type { Job } from '../../../electron/core/api/types.js';
import { formatJobState, formatProgress } from '../format/format.js';
import { ErrorCard } from './ErrorCard.js';

interface Props {
  job: Job;
  onCancel?: () => void;
  testId?: string;
  /** Show the error card when the job failed (default true). */
  showError?: boolean;
}

const active = (job: Job) => job.state === 'queued' || job.state === 'running';

/** A job's progress bar with the formatted progress line, and Cancel while it runs. */
export function JobProgress({ job, onCancel, testId = 'job-progress', showError = true }: Props) {
  const running = active(job);
  const fraction = job.progress.fraction;
  const value = job.state === 'succeeded' ? 100 : fraction === null ? undefined : Math.round(fraction * 100);
  const text = job.state === 'running' ? formatProgress(job.progress) : formatJobState(job);
  return (
    <Box data-testid={testId} data-state={job.state}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5 }}>
        <Box sx={{ flex: 1, minWidth: 0 }}>
          <LinearProgress
            variant={running && value === undefined ? 'indeterminate' : 'determinate'}
            value={value ?? 0}
            color={job.state === 'failed' ? 'error' : job.state === 'cancelled' ? 'warning' : job.state === 'succeeded' ? 'success' : 'primary'}
            sx={{ height: 8, borderRadius: 4 }}
            aria-label={job.title}
          />
          <Typography variant="caption" color="text.secondary" component="div" data-testid="job-progress-text" sx={{ mt: 0.5 }}>
            {text}
          </Typography>
        </Box>
        {running && onCancel && (
          <Button size="small" variant="outlined" color="warning" onClick={onCancel} data-testid="job-cancel">
            Cancel
          </Button>
        )}
      </Box>
      {showError && job.state === 'failed' && job.error && (
        <Box sx={{ mt: 1 }}>
          <ErrorCard error={job.error} />
        </Box>
      )}
    </Box>
  );
}

export const isActiveJob = active;

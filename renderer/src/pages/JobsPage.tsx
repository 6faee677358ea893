import ListAltIcon from '@mui/icons-material/ListAlt';
import { Box, Button, CircularProgress, Paper, Typography } from '@mui/material';
import { memo } from 'react';
import type { Job } from '../../../electron/core/api/types.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorCard } from '../components/ErrorCard.js';
import { JobProgress, isActiveJob } from '../components/JobProgress.js';
import { JobStateChip } from '../components/JobStateChip.js';
import { Page } from '../components/Page.js';
import { formatJobKind, formatTime } from '../format/format.js';
import { useApiContext } from '../store/useApi.js';
import { useJobs, useJobsStatus } from '../store/useJobs.js';
import { toErrorData } from '../api/api-error.js';
import { useState } from 'react';
import type { ErrorData } from '../../../electron/core/api/types.js';

const JobRow = memo(function JobRow({ job }: { job: Job }) {
  const { client, store } = useApiContext();
  const [cancelError, setCancelError] = useState<ErrorData | null>(null);
  const cancel = () => {
    client.invoke('jobs.cancel', { id: job.id }).then(
      (j) => store.upsertJob(j),
      (err: unknown) => setCancelError(toErrorData(err)),
    );
  };
  return (
    <Paper variant="outlined" data-testid="job-row" data-job-id={job.id} data-state={job.state} sx={{ p: 1.5 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5, flexWrap: 'wrap', mb: 1 }}>
        <JobStateChip state={job.state} />
        <Typography variant="subtitle2" component="h3" sx={{ flex: 1, minWidth: 200 }}>
          {job.title}
        </Typography>
        <Typography variant="caption" color="text.secondary">
          {formatJobKind(job.kind)}
        </Typography>
        <Typography variant="caption" color="text.secondary" sx={{ fontVariantNumeric: 'tabular-nums' }}>
          Started {formatTime(job.startedAt ?? job.createdAt)}
          {job.finishedAt ? ` · Finished ${formatTime(job.finishedAt)}` : ''}
        </Typography>
        {isActiveJob(job) && (
          <Button size="small" variant="outlined" color="warning" onClick={cancel} data-testid="job-cancel">
            Cancel
          </Button>
        )}
      </Box>
      <JobProgress job={job} />
      {cancelError && (
        <Box sx={{ mt: 1 }}>
          <ErrorCard error={cancelError} />
        </Box>
      )}
    </Paper>
  );
});

export function JobsPage() {
  const jobs = useJobs();
  const { loaded, error } = useJobsStatus();
  const { store } = useApiContext();
  const running = jobs.filter(isActiveJob).length;
  return (
    <Page
      testId="page-jobs"
      title="Jobs"
      subtitle={`Imports, profiles, optimizations and deploys run by this console${running ? ` · ${running} running` : ''}. Jobs keep running when you leave a page.`}
    >
      {error && <ErrorCard error={error} onRetry={() => void store.refreshJobs()} />}
      {!loaded && (
        <Box sx={{ display: 'flex', justifyContent: 'center', p: 4 }}>
          <CircularProgress />
        </Box>
      )}
      {loaded && !error && jobs.length === 0 && (
        <EmptyState icon={<ListAltIcon />} title="No jobs yet">
          Importing a model or running a profile starts a job. Its progress shows here and in the bar at the top, and you
          can cancel it while it runs.
        </EmptyState>
      )}
      {jobs.map((job) => (
        <JobRow key={job.id} job={job} />
      ))}
    </Page>
  );
}

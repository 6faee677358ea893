import SpeedIcon from '@mui/icons-material/Speed';
import { Box, Button, Card, CardContent } from '@mui/material';
import { useEffect, useRef } from 'react';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorCard } from '../components/ErrorCard.js';
import { JobProgress, isActiveJob } from '../components/JobProgress.js';
import { Page } from '../components/Page.js';
import { ProfilesTable } from '../components/ProfilesTable.js';
import { SectionCard } from '../components/SectionCard.js';
import { href, replaceQuery } from '../router/hash-route.js';
import { useApi } from '../store/useApi.js';
import { useJobRunner } from '../store/useJobRunner.js';
import { useRequest } from '../store/useRequest.js';
import { CompareView } from './profiling/CompareView.js';
import { ProfileView } from './profiling/ProfileView.js';
import { RunProfileForm, type RunOptions } from './profiling/RunProfileForm.js';

/**
 * Measure a model on this workstation, read a profile layer by layer, compare two.
 * State lives in the hash query (model, job, profile) so reloads and links keep it.
 */
export function ProfilingPage({ query }: { query: URLSearchParams }) {
  const client = useApi();
  const modelId = query.get('model') ?? '';
  const profileId = query.get('profile');
  const models = useRequest('models.list', {});
  const profiles = useRequest('profiling.list', {});
  const runner = useJobRunner(query.get('job'));
  const job = runner.job;
  const shownFor = useRef<string | null>(null);

  // When the run finishes, open its profile (once per job).
  useEffect(() => {
    if (!job || job.state !== 'succeeded' || shownFor.current === job.id) return;
    shownFor.current = job.id;
    const id = (job.result as { profileId?: string } | null)?.profileId;
    if (id) replaceQuery({ profile: id });
  }, [job]);

  const run = (opts: RunOptions) => {
    void runner.start(() => client.invoke('profiling.run', opts)).then((j) => {
      if (j) replaceQuery({ job: j.id, model: opts.modelId });
    });
  };

  const modelList = models.data ?? [];
  const profileList = profiles.data ?? [];
  const noModels = !models.loading && !models.error && modelList.length === 0;

  return (
    <Page
      testId="page-profiling"
      title="Profiling"
      subtitle="Run a model many times with ONNX Runtime on this workstation and see where the time goes, layer by layer."
    >
      {models.error && <ErrorCard error={models.error} onRetry={models.reload} />}
      {noModels ? (
        <EmptyState
          icon={<SpeedIcon />}
          title="No model to profile"
          testId="profiling-empty"
          action={
            <Button variant="contained" href={href('models')}>
              Go to Models
            </Button>
          }
        >
          Import a model first (the bundled sample works), then come back here to measure its latency.
        </EmptyState>
      ) : (
        <Card>
          <CardContent>
            <RunProfileForm
              models={modelList}
              modelId={modelId}
              onModelChange={(id) => replaceQuery({ model: id })}
              onRun={run}
              busy={runner.starting || (job ? isActiveJob(job) : false)}
            />
            {runner.error && (
              <Box sx={{ mt: 2 }}>
                <ErrorCard error={runner.error} />
              </Box>
            )}
            {job && (
              <Box sx={{ mt: 2 }}>
                <JobProgress job={job} onCancel={runner.cancel} />
              </Box>
            )}
          </CardContent>
        </Card>
      )}
      {profileId && <ProfileView key={profileId} id={profileId} />}
      <SectionCard title="Stored profiles" subtitle="Every profile run on this workstation. Click one to open it." testId="stored-profiles">
        {profiles.error ? (
          <ErrorCard error={profiles.error} onRetry={profiles.reload} />
        ) : (
          <ProfilesTable
            profiles={profileList}
            selectedId={profileId}
            onOpen={(p) => replaceQuery({ profile: p.id })}
          />
        )}
      </SectionCard>
      <CompareView profiles={profileList} />
    </Page>
  );
}

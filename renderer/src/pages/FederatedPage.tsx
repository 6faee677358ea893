import AddIcon from '@mui/icons-material/Add';
import ModelTrainingIcon from '@mui/icons-material/ModelTraining';
import { Button, Typography } from '@mui/material';
import { useState } from 'react';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorCard } from '../components/ErrorCard.js';
import { Page } from '../components/Page.js';
import { SectionCard } from '../components/SectionCard.js';
import { useRequest } from '../store/useRequest.js';
import { FlLossCurve } from './federated/FlLossCurve.js';
import { FlRoundsList } from './federated/FlRoundsList.js';
import { FlRoundView } from './federated/FlRoundView.js';
import { FlStartDialog } from './federated/FlStartDialog.js';
import { href, navigate } from '../router/hash-route.js';
import { useReloadOn } from './rollouts/useEventTick.js';

/** Federated learning: rounds where devices train on data that never leaves them; a row opens the round. */
export function FederatedPage({ params }: { params: string[] }) {
  if (params[0]) return <FlRoundView key={params[0]} id={params[0]} />;
  return <FlRounds />;
}

function FlRounds() {
  const list = useRequest('fl.list', {});
  useReloadOn(['fl.changed'], list.reload, 500);
  const rounds = list.data ?? [];
  const [open, setOpen] = useState(false);
  return (
    <Page
      actions={
        <Button variant="contained" startIcon={<AddIcon />} onClick={() => setOpen(true)} data-testid="fl-new">
          New round
        </Button>
      }
      testId="page-federated"
      title="Federated learning"
      subtitle="Devices train the model on their own data, which never leaves them; the console combines only their updates (with secure aggregation, only their sum), keeps a new version only when it beats the current one on the devices' held-out data, and ships it through a staged rollout."
    >
      {list.error && <ErrorCard error={list.error} onRetry={list.reload} />}
      {!list.loading && rounds.length === 0 ? (
        <EmptyState icon={<ModelTrainingIcon />} title="No federated round yet" testId="fl-empty">
          Start one with New round, or from the CLI: <code>edgefleet fl round start MODEL --target tag:T --min-clients 3 [--secure] --wait</code>. The model must carry the federated metadata
          (resources/models/sensor-autoencoder does), and each device needs local data (<code>edgefleet agent --fl-data FILE</code>).
        </EmptyState>
      ) : (
        <>
          <SectionCard title="Held-out loss per round" subtitle="The incumbent's and the candidate's loss on the devices' own held-out windows; a round registers a version only when the candidate is lower.">
            <FlLossCurve rounds={rounds} />
          </SectionCard>
          <SectionCard title="Rounds" subtitle="Newest first." flush>
            <FlRoundsList rounds={rounds} loading={list.loading} />
          </SectionCard>
          <Typography variant="caption" color="text.secondary">
            Rolling back a bad round is promoting the previous version again: open the round and choose Roll back.
          </Typography>
        </>
      )}
      <FlStartDialog open={open} onClose={() => setOpen(false)} onStarted={(id) => navigate(href('federated', [id]))} />
    </Page>
  );
}

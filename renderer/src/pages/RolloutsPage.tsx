import AddIcon from '@mui/icons-material/Add';
import CompareArrowsIcon from '@mui/icons-material/CompareArrows';
import RocketLaunchIcon from '@mui/icons-material/RocketLaunch';
import { Button, Card, Tab, Tabs } from '@mui/material';
import { useState } from 'react';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorCard } from '../components/ErrorCard.js';
import { Page } from '../components/Page.js';
import { href, navigate } from '../router/hash-route.js';
import { useRequest } from '../store/useRequest.js';
import { AbList } from './ab/AbList.js';
import { AbStartDialog } from './ab/AbStartDialog.js';
import { AbView } from './ab/AbView.js';
import { RolloutLive } from './rollouts/RolloutLive.js';
import { RolloutsList } from './rollouts/RolloutsList.js';
import { RolloutWizard } from './rollouts/RolloutWizard.js';
import { useReloadOn } from './rollouts/useEventTick.js';

/** `#/rollouts` lists rollouts (`?tab=ab`: A/B comparisons); `#/rollouts/<id>` is a live view, `#/rollouts/ab/<id>` a comparison. */
export function RolloutsPage({ query, params }: { query: URLSearchParams; params: string[] }) {
  if (params[0] === 'ab' && params[1]) return <AbView key={params[1]} id={params[1]} />;
  if (params[0]) return <RolloutLive key={params[0]} id={params[0]} />;
  return <RolloutsOverview tab={query.get('tab') === 'ab' ? 'ab' : 'rollouts'} />;
}

function RolloutsOverview({ tab }: { tab: 'rollouts' | 'ab' }) {
  const rollouts = useRequest('rollouts.list', tab === 'rollouts' ? {} : null);
  const ab = useRequest('ab.list', tab === 'ab' ? {} : null);
  useReloadOn(['rollouts.changed'], rollouts.reload, 500);
  useReloadOn(['ab.changed'], ab.reload, 500);
  const [wizard, setWizard] = useState(false);
  const [abOpen, setAbOpen] = useState(false);
  const error = tab === 'rollouts' ? rollouts.error : ab.error;

  return (
    <Page
      testId="page-rollouts"
      title="Rollouts"
      subtitle="Deliver a model to part of the fleet first, watch its health, widen or stop; compare versions on real traffic."
      actions={
        <>
          <Button variant="outlined" startIcon={<CompareArrowsIcon />} onClick={() => setAbOpen(true)} data-testid="ab-new">
            New A/B comparison
          </Button>
          <Button variant="contained" startIcon={<AddIcon />} onClick={() => setWizard(true)} data-testid="rollout-new">
            New rollout
          </Button>
        </>
      }
    >
      <Tabs value={tab} onChange={(_e, v: string) => navigate(href('rollouts', [], v === 'ab' ? { tab: 'ab' } : undefined))}>
        <Tab value="rollouts" label="Rollouts" data-testid="tab-rollouts" />
        <Tab value="ab" label="A/B comparisons" data-testid="tab-ab" />
      </Tabs>
      {error && <ErrorCard error={error} onRetry={tab === 'rollouts' ? rollouts.reload : ab.reload} />}
      {tab === 'rollouts' &&
        (rollouts.data && rollouts.data.length === 0 ? (
          <EmptyState icon={<RocketLaunchIcon />} title="No rollouts yet" testId="rollouts-empty" action={<Button variant="contained" onClick={() => setWizard(true)}>New rollout</Button>}>
            A rollout sends a model to a few devices first (5 % by default), waits while they run it on trial, checks their health gates, then widens to 25 % and 100 %, or stops and rolls back.
          </EmptyState>
        ) : (
          <Card>
            <RolloutsList rollouts={rollouts.data ?? []} loading={rollouts.loading && rollouts.data === undefined} />
          </Card>
        ))}
      {tab === 'ab' &&
        (ab.data && ab.data.length === 0 ? (
          <EmptyState icon={<CompareArrowsIcon />} title="No A/B comparisons yet" testId="ab-empty" action={<Button variant="contained" onClick={() => setAbOpen(true)}>New A/B comparison</Button>}>
            Put two model versions on fixed cohorts of devices and compare their latency, error rate and confidence on real traffic, then promote the winner.
          </EmptyState>
        ) : (
          <Card>
            <AbList items={ab.data ?? []} loading={ab.loading && ab.data === undefined} />
          </Card>
        ))}
      <RolloutWizard
        open={wizard}
        onClose={() => setWizard(false)}
        onCreated={(id) => {
          setWizard(false);
          navigate(href('rollouts', [id]));
        }}
      />
      <AbStartDialog
        open={abOpen}
        onClose={() => setAbOpen(false)}
        onStarted={(id) => {
          setAbOpen(false);
          navigate(href('rollouts', ['ab', id]));
        }}
      />
    </Page>
  );
}

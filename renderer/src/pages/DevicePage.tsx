import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import LinkIcon from '@mui/icons-material/Link';
import { Box, Button, CircularProgress, Grid, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { ErrorCard } from '../components/ErrorCard.js';
import { Page } from '../components/Page.js';
import { SectionCard } from '../components/SectionCard.js';
import { formatAgo, formatTime } from '../format/format.js';
import { href } from '../router/hash-route.js';
import { useJobRunner } from '../store/useJobRunner.js';
import { useRequest } from '../store/useRequest.js';
import { AppMetricsCard } from './device/AppMetricsCard.js';
import { BoardCard } from './device/BoardCard.js';
import { DeviceErrorCard } from './device/DeviceErrorCard.js';
import { DriftCard } from './device/DriftCard.js';
import { DeviceProfiles } from './device/DeviceProfiles.js';
import { FitWarnings } from './device/FitWarnings.js';
import { IdentityCard } from './device/IdentityCard.js';
import { LastChangeNotice } from './device/LastChangeNotice.js';
import { SlotsCard } from './device/SlotsCard.js';
import { TelemetryCharts } from './device/TelemetryCharts.js';
import { DeployDialog } from './fleet/DeployDialog.js';
import { DeployProgress } from './fleet/DeployProgress.js';
import { DeviceStateChip, HealthChip } from './fleet/device-look.js';
import { PairDialog } from './fleet/PairDialog.js';

/** A fallback for agents that send telemetry without a change event: refetch this often while visible. */
const pollMs = 10_000;

/** One device: identity, model slots with confirm/rollback/deploy, live telemetry and its profiles. */
export function DevicePage({ id }: { id: string }) {
  const device = useRequest('devices.get', { id });
  const d = device.data;
  const { reload } = device;
  const deploy = useJobRunner();
  const [deployOpen, setDeployOpen] = useState(false);
  const [pairing, setPairing] = useState(false);

  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, pollMs);
    return () => clearInterval(timer);
  }, [reload]);

  return (
    <Page
      testId="page-device"
      title={
        d ? (
          <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 1.5, flexWrap: 'wrap' }}>
            <span data-testid="device-title">{d.name}</span>
            <DeviceStateChip state={d.state} />
            <HealthChip health={d.health} />
          </Box>
        ) : (
          'Device'
        )
      }
      subtitle={
        d ? (
          <span title={formatTime(d.lastSeen)}>
            {d.activeModel ? (
              <>
                Serving <strong>{d.activeModel.name}</strong> {d.activeModel.version}
                {d.slotState === 'trial' ? ' on trial' : ''}
              </>
            ) : (
              'No active model'
            )}{' '}
            · last seen {formatAgo(d.lastSeen)}
          </span>
        ) : undefined
      }
      actions={
        <>
          <Button href={href('fleet')} startIcon={<ArrowBackIcon />} color="inherit">
            All devices
          </Button>
          {d && !d.paired && d.transport === 'lan' && (
            <Button variant="contained" startIcon={<LinkIcon />} onClick={() => setPairing(true)} data-testid="pair-open">
              Pair
            </Button>
          )}
        </>
      }
    >
      {device.error && <ErrorCard error={device.error} onRetry={device.reload} />}
      {device.loading && !d && !device.error && (
        <Box sx={{ p: 4, display: 'flex', justifyContent: 'center' }}>
          <CircularProgress />
        </Box>
      )}
      {d && (
        <>
          {d.state === 'error' && (
            <Typography variant="body2" color="error.light">
              The agent reports an error. Check the slots below: a failed trial usually reverts on its own; otherwise roll back.
            </Typography>
          )}
          <DeviceErrorCard device={d} />
          <LastChangeNotice device={d} />
          <Grid container spacing={2}>
            <Grid size={{ xs: 12, lg: 5 }} sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
              <IdentityCard device={d} onSaved={reload} />
              <BoardCard device={d} />
            </Grid>
            <Grid size={{ xs: 12, lg: 7 }} sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
              <SlotsCard device={d} onChanged={reload} onDeploy={() => setDeployOpen(true)} />
              {d.activeModelFit && d.activeModelFit.warnings.length > 0 && d.activeModel && (
                <SectionCard
                  title="Active model on this board"
                  subtitle={`${d.activeModel.name} ${d.activeModel.version} is ${d.activeModelFit.precision.label}.`}
                  testId="active-model-fit"
                >
                  <FitWarnings warnings={d.activeModelFit.warnings} />
                </SectionCard>
              )}
              {deploy.job && !deployOpen && (
                <SectionCard title="Deployment" subtitle={deploy.job.title} testId="deploy-card">
                  <DeployProgress job={deploy.job} onCancel={deploy.cancel} />
                </SectionCard>
              )}
            </Grid>
          </Grid>
          <TelemetryCharts device={d} />
          <DriftCard device={d} />
          <AppMetricsCard device={d} />
          <DeviceProfiles device={d} onChanged={reload} />
          <DeployDialog open={deployOpen} onClose={() => setDeployOpen(false)} deviceIds={[d.id]} targetLabel={d.name} runner={deploy} />
          {pairing && <PairDialog device={d} onClose={() => setPairing(false)} onPaired={reload} />}
        </>
      )}
    </Page>
  );
}

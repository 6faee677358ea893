import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import PauseIcon from '@mui/icons-material/Pause';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import StopIcon from '@mui/icons-material/Stop';
import UndoIcon from '@mui/icons-material/Undo';
import { Alert, Box, Button, Grid, Typography } from '@mui/material';
import { useState } from 'react';
import type { RolloutDetail } from '../../../../electron/core/api/types.js';
import { ErrorCard } from '../../components/ErrorCard.js';
import { Page } from '../../components/Page.js';
import { SectionCard } from '../../components/SectionCard.js';
import { StatCard } from '../../components/StatCard.js';
import { formatTime } from '../../format/format.js';
import { href, navigate } from '../../router/hash-route.js';
import { useApi } from '../../store/useApi.js';
import { useRequest } from '../../store/useRequest.js';
import { ConfirmDialog, type ConfirmAsk } from './ConfirmDialog.js';
import { GateTable } from './GateTable.js';
import { PhaseBar } from './PhaseBar.js';
import { RolloutDevices } from './RolloutDevices.js';
import { RolloutStatusChip } from './rollout-look.js';
import { StageTimeline } from './StageTimeline.js';
import { useReloadOn } from './useEventTick.js';

const planText = (r: RolloutDetail) =>
  r.plan?.kind === 'exponential'
    ? `exponential: ${r.plan.baseRatePerMinute} devices first, ×${r.plan.incrementFactor} each stage, at most ${r.plan.maximumPerMinute}`
    : r.plan?.kind === 'percentages'
      ? `stages ${r.plan.percents.map((p) => `${p} %`).join(' → ')}`
      : '';

/** One rollout as it runs: stages, devices per state, gates against thresholds, each device; pause, resume, abort, roll back. */
export function RolloutLive({ id }: { id: string }) {
  const client = useApi();
  const rollout = useRequest('rollouts.get', { id });
  useReloadOn(['rollouts.changed', 'devices.changed', 'jobs.updated'], rollout.reload, 400);
  const gates = useRequest('rollouts.gates', {});
  const [ask, setAsk] = useState<ConfirmAsk | null>(null);
  const r = rollout.data;

  const act = (verb: 'pause' | 'resume' | 'abort' | 'rollback') => async () => {
    await client.invoke(`rollouts.${verb}`, { id });
    rollout.reload();
  };

  const touched = r ? r.deviceCount - (r.counts.pending ?? 0) : 0;
  const canPause = r?.status === 'running';
  const canResume = r?.status === 'paused' || r?.status === 'halted' || r?.status === 'planned';
  const canAbort = r ? ['running', 'paused', 'halted', 'planned'].includes(r.status) : false;
  const canRollback = r ? touched > 0 && !['rolling-back', 'rolled-back'].includes(r.status) : false;

  return (
    <Page
      testId="page-rollout"
      title={
        <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 1.5, flexWrap: 'wrap' }}>
          {r ? `Rollout of ${r.modelName}` : 'Rollout'}
          {r && <RolloutStatusChip status={r.status} />}
        </Box>
      }
      subtitle={r ? `${r.selector} · ${planText(r)} · ${r.policy === 'rollback' ? 'rolls back on a failed gate' : 'halts on a failed gate'} · started ${formatTime(r.createdAt)}` : id}
      actions={
        <>
          <Button startIcon={<ArrowBackIcon />} onClick={() => navigate(href('rollouts'))} data-testid="rollout-back">
            All rollouts
          </Button>
          {canPause && (
            <Button variant="outlined" startIcon={<PauseIcon />} data-testid="rollout-pause" onClick={() => setAsk({ title: 'Pause this rollout?', body: 'Devices being deployed finish their step; no new device starts until you resume. The devices already chosen stay chosen.', confirmLabel: 'Pause', run: act('pause') })}>
              Pause
            </Button>
          )}
          {canResume && (
            <Button variant="outlined" startIcon={<PlayArrowIcon />} data-testid="rollout-resume" onClick={() => setAsk({ title: r?.status === 'halted' ? 'Resume a halted rollout?' : 'Resume this rollout?', body: r?.status === 'halted' ? 'The stage that failed its gates is judged again after a new soak. Resume only if you fixed the cause.' : 'The rollout goes on from the stage where it stopped, with the same devices.', confirmLabel: 'Resume', run: act('resume') })}>
              Resume
            </Button>
          )}
          {canAbort && (
            <Button variant="outlined" color="warning" startIcon={<StopIcon />} data-testid="rollout-abort" onClick={() => setAsk({ title: 'Abort this rollout?', body: 'No further device gets the model. Devices that already have it keep it (roll back to undo that).', confirmLabel: 'Abort', danger: true, run: act('abort') })}>
              Abort
            </Button>
          )}
          {canRollback && (
            <Button variant="contained" color="error" startIcon={<UndoIcon />} data-testid="rollout-rollback" onClick={() => setAsk({ title: `Roll back ${touched} device${touched === 1 ? '' : 's'}?`, body: 'Every device this rollout touched goes back to the model it ran before. A device that cannot take its old model back keeps what it has and is flagged.', confirmLabel: 'Roll back', danger: true, run: act('rollback') })}>
              Roll back
            </Button>
          )}
        </>
      }
    >
      {rollout.error && <ErrorCard error={rollout.error} onRetry={rollout.reload} />}
      {r && (
        <>
          {r.reason && (
            <Alert severity={r.status === 'completed' ? 'success' : r.status === 'running' ? 'info' : 'error'} data-testid="rollout-reason">
              {r.reason}
            </Alert>
          )}
          {r.lateMatches.length > 0 && (
            <Alert severity="info" data-testid="rollout-late">
              {r.lateMatches.length} device{r.lateMatches.length === 1 ? '' : 's'} matched the selector after the start and {r.lateMatches.length === 1 ? 'was' : 'were'} not added: {r.lateMatches.slice(0, 5).join(', ')}
              {r.lateMatches.length > 5 ? '…' : ''}
            </Alert>
          )}
          <Grid container spacing={2}>
            <Grid size={{ xs: 6, md: 3 }}>
              <StatCard label="Devices" value={r.deviceCount.toLocaleString('en-US')} hint="frozen at the start" testId="rollout-devices-total" />
            </Grid>
            <Grid size={{ xs: 6, md: 3 }}>
              <StatCard label="Stage" value={r.stage < 0 ? '–' : `${r.stage + 1} of ${r.stageCount}`} hint={r.stages[r.stage]?.label ?? 'not started'} testId="rollout-stage" />
            </Grid>
            <Grid size={{ xs: 6, md: 3 }}>
              <StatCard label="Confirmed" value={<Box component="span" sx={{ color: 'success.main' }}>{r.counts.confirmed ?? 0}</Box>} hint="running the new model for good" testId="rollout-confirmed" />
            </Grid>
            <Grid size={{ xs: 6, md: 3 }}>
              <StatCard
                label="Failed or rolled back"
                value={<Box component="span" sx={{ color: (r.counts.failed ?? 0) + (r.counts['rolled-back'] ?? 0) ? 'error.main' : undefined }}>{(r.counts.failed ?? 0) + (r.counts['rolled-back'] ?? 0) + (r.counts.reverted ?? 0)}</Box>}
                hint={r.counts.flagged ? `${r.counts.flagged} flagged: could not take the old model back` : 'back on their previous model'}
                testId="rollout-failed"
              />
            </Grid>
          </Grid>
          <SectionCard title="Stages" subtitle={`Bucketed by seed ${r.seed}: the same devices stay chosen across pause, resume and widening. Concurrency ${r.maxConcurrency}, soak ${Math.round(r.soakMs / 1000)} s per stage.`}>
            <StageTimeline rollout={r} />
          </SectionCard>
          <SectionCard title="Devices per state">
            <PhaseBar counts={r.counts} total={r.deviceCount} />
          </SectionCard>
          <SectionCard title="Health gates" subtitle="A gate is judged once enough devices report; one failed gate halts the rollout.">
            <GateTable rollout={r} info={gates.data ?? []} />
          </SectionCard>
          <SectionCard title="Devices" subtitle="Click a device to open its page." flush>
            <RolloutDevices devices={r.devices} />
          </SectionCard>
          {r.driver && (
            <Typography variant="caption" color="text.secondary" data-testid="rollout-driver">
              Driven by process {r.driver.pid} on {r.driver.host} · heartbeat {formatTime(r.driver.heartbeatAt)}
              {r.driver.live ? '' : ' (stale: the next console to start takes over)'}
            </Typography>
          )}
        </>
      )}
      <ConfirmDialog ask={ask} onClose={() => setAsk(null)} />
    </Page>
  );
}

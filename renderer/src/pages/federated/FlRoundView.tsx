import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import { Alert, Box, Button, Chip, Grid, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useState } from 'react';
import type { ErrorData, FlRound } from '../../../../electron/core/api/types.js';
import { toErrorData } from '../../api/api-error.js';
import { ErrorCard } from '../../components/ErrorCard.js';
import { Page } from '../../components/Page.js';
import { SectionCard } from '../../components/SectionCard.js';
import { StatCard } from '../../components/StatCard.js';
import { formatTime } from '../../format/format.js';
import { href, navigate } from '../../router/hash-route.js';
import { useApi } from '../../store/useApi.js';
import { useRequest } from '../../store/useRequest.js';
import { useReloadOn } from '../rollouts/useEventTick.js';
import { durationOf, finishedPhases, FlPhaseChip, fmtEps, fmtLoss } from './fl-look.js';

const statusColor: Record<string, 'default' | 'success' | 'error' | 'warning' | 'info'> = {
  selected: 'info',
  sent: 'info',
  trained: 'info',
  uploaded: 'success',
  evaluated: 'success',
  'timed-out': 'error',
  rejected: 'warning',
  'not-needed': 'default',
};

/** What the round's privacy was: SecAgg+ (who saw what) and differential privacy (ε spent, budget). */
function privacyCard(r: FlRound): { value: string; hint: string } {
  const threshold = r.threshold ?? r.secagg[0]?.threshold ?? null;
  const seen = r.secure ? `the console saw only the sum (threshold ${threshold ?? '–'}${r.numShares ? ` of ${r.numShares} shares` : ''})` : 'each update was seen by the console';
  const p = r.privacy;
  if (!p) return { value: r.secure ? 'SecAgg+' : 'plain', hint: `${seen}; no differential privacy` };
  const clipped = p.clippedFraction === null ? 'clipping not yet applied' : `${Math.round(p.clippedFraction * 100)}% of updates clipped to ${p.clipNorm}`;
  return {
    value: `ε ${fmtEps(p.epsilon)} (total ${fmtEps(p.total)} of ${p.maxEpsilon})`,
    hint: `${seen}; differential privacy at δ ${p.delta}: noise ${p.noiseMultiplier}·${p.clipNorm}/n, ${clipped}; ε ${fmtEps(p.spentBefore)} spent by ${p.roundsBefore} earlier DP round${p.roundsBefore === 1 ? '' : 's'} of this model`,
  };
}

/** Each SecAgg+ stage as the server closed it: who was asked, who answered, and the threshold. */
function SecAggStages({ round }: { round: FlRound }) {
  return (
    <Table size="small" data-testid="fl-secagg">
      <TableHead>
        <TableRow>
          <TableCell>Stage</TableCell>
          <TableCell align="right">Asked</TableCell>
          <TableCell align="right">Answered</TableCell>
          <TableCell align="right">Dropped</TableCell>
          <TableCell align="right">Rejected</TableCell>
          <TableCell align="right">Threshold</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {round.secagg.map((s) => (
          <TableRow key={s.stage} data-testid="fl-secagg-stage" data-stage={s.stage}>
            <TableCell>{s.stage}</TableCell>
            {[s.asked, s.answered, s.dropped, s.rejected, s.threshold].map((v, i) => (
              <TableCell key={i} align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                {v}
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Devices({ round }: { round: FlRound }) {
  return (
    <Table size="small" data-testid="fl-devices">
      <TableHead>
        <TableRow>
          <TableCell>Device</TableCell>
          <TableCell>Status</TableCell>
          <TableCell align="right">Samples</TableCell>
          <TableCell align="right">Training loss</TableCell>
          <TableCell align="right">Held-out: incumbent / candidate</TableCell>
          <TableCell>Why</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {round.devices.map((d) => (
          <TableRow key={d.deviceId} data-testid="fl-device" data-status={d.status}>
            <TableCell>{d.name}</TableCell>
            <TableCell>
              <Chip size="small" variant="outlined" label={d.status} color={statusColor[d.status] ?? 'default'} />
            </TableCell>
            <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
              {d.samples ?? '–'}
            </TableCell>
            <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
              {fmtLoss(d.lossBefore)} → {fmtLoss(d.lossAfter)}
              {d.stoppedBy === 'time-budget' ? ' (time budget)' : ''}
            </TableCell>
            <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
              {fmtLoss(d.evalLossActive)} / {fmtLoss(d.evalLoss)}
            </TableCell>
            <TableCell sx={{ maxWidth: 360 }}>
              <Typography variant="caption" color="text.secondary">
                {d.reason ?? ''}
              </Typography>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Timeline({ round }: { round: FlRound }) {
  const names = new Map(round.devices.map((d) => [d.deviceId, d.name]));
  return (
    <Box data-testid="fl-timeline" sx={{ maxHeight: 320, overflow: 'auto' }}>
      {round.events.map((e) => (
        <Box key={e.seq} sx={{ display: 'flex', gap: 2, py: 0.25, borderBottom: 1, borderColor: 'divider' }} data-testid="fl-event" data-kind={e.kind}>
          <Typography variant="caption" color="text.secondary" sx={{ width: 150, flex: 'none', fontVariantNumeric: 'tabular-nums' }}>
            {formatTime(e.at)}
          </Typography>
          <Typography variant="caption" sx={{ width: 120, flex: 'none', fontWeight: 600 }}>
            {e.deviceId ? (names.get(e.deviceId) ?? e.deviceId) : 'round'}
          </Typography>
          <Typography variant="caption">
            {e.kind}: {e.detail}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}

/** One federated round: who took part and how far each got, the losses, the timeline, promote and roll back. */
export function FlRoundView({ id }: { id: string }) {
  const client = useApi();
  const round = useRequest('fl.get', { id });
  useReloadOn(['fl.changed', 'rollouts.changed'], round.reload, 500);
  const [error, setError] = useState<ErrorData | null>(null);
  const [busy, setBusy] = useState(false);
  const r = round.data;
  const act = async (what: 'fl.abort' | 'fl.promote' | 'fl.rollback') => {
    setBusy(true);
    setError(null);
    try {
      const next = await client.invoke(what, { id });
      const started = next.rollouts[next.rollouts.length - 1];
      if (what !== 'fl.abort' && started) navigate(href('rollouts', [started.id]));
      else round.reload();
    } catch (err) {
      setError(toErrorData(err));
    } finally {
      setBusy(false);
    }
  };
  const finished = r ? finishedPhases.includes(r.phase) : false;
  return (
    <Page
      testId="page-fl-round"
      title="Federated round"
      subtitle={r ? `${r.modelName} · ${r.selector} · ${r.aggregation}${r.secure ? ' with secure aggregation (SecAgg+)' : ''} · started ${formatTime(r.createdAt)}` : id}
      actions={
        <Box sx={{ display: 'flex', gap: 1 }}>
          <Button startIcon={<ArrowBackIcon />} onClick={() => navigate(href('federated'))}>
            All rounds
          </Button>
          {r && !finished && (
            <Button color="warning" variant="outlined" disabled={busy} onClick={() => void act('fl.abort')} data-testid="fl-abort">
              Abort
            </Button>
          )}
          {r?.phase === 'registered' && (
            <>
              <Button variant="contained" disabled={busy} onClick={() => void act('fl.promote')} data-testid="fl-promote">
                Promote (staged rollout)
              </Button>
              <Button variant="outlined" disabled={busy} onClick={() => void act('fl.rollback')} data-testid="fl-rollback">
                Roll back to the previous version
              </Button>
            </>
          )}
        </Box>
      }
    >
      {round.error && <ErrorCard error={round.error} onRetry={round.reload} />}
      {error && <ErrorCard error={error} />}
      {r && (
        <>
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
            <FlPhaseChip phase={r.phase} />
            {r.reason && (
              <Typography variant="body2" data-testid="fl-reason">
                {r.reason}
              </Typography>
            )}
          </Box>
          <Grid container spacing={2}>
            <Grid size={{ xs: 6, md: 3 }}>
              <StatCard label="Participants" value={`${r.participants} of ${r.selectCount}`} hint={`quorum ${r.minClients}; ${r.dropped.length} dropped`} />
            </Grid>
            <Grid size={{ xs: 6, md: 3 }}>
              <StatCard label="Held-out loss" value={`${fmtLoss(r.lossBefore)} → ${fmtLoss(r.lossAfter)}`} hint="incumbent → candidate, weighted by the devices' held-out windows" />
            </Grid>
            <Grid size={{ xs: 6, md: 3 }}>
              <StatCard label="Duration" value={durationOf(r.createdAt, r.finishedAt)} hint={`deadline ${formatTime(r.deadlineAt)}`} />
            </Grid>
            <Grid size={{ xs: 6, md: 3 }}>
              <StatCard label="Privacy" {...privacyCard(r)} testId="fl-privacy" />
            </Grid>
          </Grid>
          {r.candidateModelId && (
            <Alert severity="success" action={<Button onClick={() => navigate(href('models', [r.candidateModelId!]))}>Open version</Button>}>
              Registered as the next version of {r.modelName.replace(/ v[0-9]+$/, '')}. It serves nowhere until promoted through a staged rollout.
            </Alert>
          )}
          {r.rollouts.length > 0 && (
            <Alert severity="info">
              {r.rollouts.map((x) => (
                <span key={x.id}>
                  {x.kind === 'promote' ? 'Promoted' : 'Rolled back'} {formatTime(x.at)}: <a href={href('rollouts', [x.id])}>rollout {x.id}</a>.{' '}
                </span>
              ))}
            </Alert>
          )}
          <SectionCard title="Devices" subtitle="Every device the round looked at: selected ones with how far they got, excluded ones with why.">
            <Devices round={r} />
          </SectionCard>
          {r.secagg.length > 0 && (
            <SectionCard title="Secure aggregation" subtitle="Each SecAgg+ stage: devices asked, answered, dropped and rejected; below the threshold the sum cannot be unmasked.">
              <SecAggStages round={r} />
            </SectionCard>
          )}
          <SectionCard title="Timeline" subtitle="What the round and each device did, in order.">
            <Timeline round={r} />
          </SectionCard>
        </>
      )}
    </Page>
  );
}

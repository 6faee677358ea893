import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import EmojiEventsIcon from '@mui/icons-material/EmojiEvents';
import StopIcon from '@mui/icons-material/Stop';
import { Alert, Box, Button, Card, CardContent, Chip, Grid, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useState } from 'react';
import type { AbStatus } from '../../../../electron/core/api/types.js';
import { ErrorCard } from '../../components/ErrorCard.js';
import { Page } from '../../components/Page.js';
import { SectionCard } from '../../components/SectionCard.js';
import { formatTime } from '../../format/format.js';
import { href, navigate } from '../../router/hash-route.js';
import { useApi } from '../../store/useApi.js';
import { useRequest } from '../../store/useRequest.js';
import { ConfirmDialog, type ConfirmAsk } from '../rollouts/ConfirmDialog.js';
import { useReloadOn } from '../rollouts/useEventTick.js';
import { AbStateChip, formatInterval, formatP, formatRate, SignificanceChip, variantColors } from './ab-look.js';
import { AbMetrics } from './AbMetrics.js';
import { IntervalChart } from './IntervalChart.js';

function VariantCard({ s, color, winner }: { s: AbStatus['variants'][number]; color: string; winner: boolean }) {
  const row = (label: string, value: string, testId?: string) => (
    <Box sx={{ display: 'flex', justifyContent: 'space-between', gap: 2, py: 0.25 }}>
      <Typography variant="body2" color="text.secondary">
        {label}
      </Typography>
      <Typography variant="body2" sx={{ fontVariantNumeric: 'tabular-nums', textAlign: 'right' }} data-testid={testId}>
        {value}
      </Typography>
    </Box>
  );
  return (
    <Card data-testid="ab-variant" data-variant={s.name} sx={{ borderTop: `4px solid ${color}`, height: '100%' }}>
      <CardContent>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1, flexWrap: 'wrap' }}>
          <Typography variant="h6" component="h3">
            {s.name}
          </Typography>
          {s.control && <Chip label="Control" variant="outlined" />}
          {winner && <Chip icon={<EmojiEventsIcon />} label="Winner" color="success" data-testid="ab-winner" />}
        </Box>
        <Typography variant="body2" sx={{ mb: 1 }} noWrap title={`${s.modelName} v${s.modelVersion}`}>
          {s.modelName} v{s.modelVersion}
        </Typography>
        {row('Devices reporting', `${s.devicesReporting} of ${s.devices}`)}
        {row('Requests', s.requests.toLocaleString('en-US'), 'ab-requests')}
        {row('Error rate', formatRate(s.errorRate), 'ab-error-rate')}
        {row('Latency p50', formatInterval(s.latencyP50Ms), 'ab-p50')}
        {row('Latency p95', formatInterval(s.latencyP95Ms), 'ab-p95')}
        {row('Mean confidence', s.confidenceMean === null ? '—' : s.confidenceMean.toFixed(3))}
      </CardContent>
    </Card>
  );
}

/** One A/B assignment: the variants side by side, latency with intervals, differences with their significance, promote. */
export function AbView({ id }: { id: string }) {
  const client = useApi();
  const status = useRequest('ab.get', { id });
  useReloadOn(['ab.changed', 'devices.changed', 'jobs.updated'], status.reload, 1000);
  const [ask, setAsk] = useState<ConfirmAsk | null>(null);
  const st = status.data;
  const a = st?.assignment;
  const colorOf = (name: string) => variantColors[Math.max(0, a?.variants.findIndex((v) => v.name === name) ?? 0) % variantColors.length];

  const promote = (variant: string) =>
    setAsk({
      title: `Promote variant ${variant}?`,
      body: `Variant ${variant} (${a?.variants.find((v) => v.name === variant)?.modelName ?? ''}) goes to the rest of the selection as a staged rollout with the default health gates. The other cohorts move to it too.`,
      confirmLabel: 'Promote',
      run: async () => {
        const done = await client.invoke('ab.promote', { id, variant });
        status.reload();
        if (done.promotion?.kind === 'rollout') navigate(href('rollouts', [done.promotion.id]));
      },
    });

  return (
    <Page
      testId="page-ab"
      title={
        <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 1.5, flexWrap: 'wrap' }}>
          A/B comparison
          {a && <AbStateChip state={a.state} />}
        </Box>
      }
      subtitle={a ? `${a.selector} · ${a.variants.length} variants · seed ${a.seed} · ${a.servingSince ? `serving since ${formatTime(a.servingSince)}` : 'deploying the cohorts'}` : id}
      actions={
        <>
          <Button startIcon={<ArrowBackIcon />} onClick={() => navigate(href('rollouts', [], { tab: 'ab' }))} data-testid="ab-back">
            All A/B tests
          </Button>
          {a && (a.state === 'running' || a.state === 'deploying') && (
            <Button variant="outlined" color="warning" startIcon={<StopIcon />} data-testid="ab-stop" onClick={() => setAsk({ title: 'Stop this comparison?', body: 'The cohorts keep the model they run now; statistics stop growing.', confirmLabel: 'Stop', danger: true, run: async () => { await client.invoke('ab.stop', { id }); status.reload(); } })}>
              Stop
            </Button>
          )}
          {a && a.state === 'running' && (
            <Button variant="contained" startIcon={<EmojiEventsIcon />} disabled={!st?.winner} onClick={() => st?.winner && promote(st.winner)} data-testid="ab-promote">
              {st?.winner ? `Promote ${st.winner}` : 'No winner yet'}
            </Button>
          )}
        </>
      }
    >
      {status.error && <ErrorCard error={status.error} onRetry={status.reload} />}
      {a?.error && <ErrorCard error={a.error} />}
      {st && a && (
        <>
          <Alert severity={st.winner ? 'success' : 'info'} data-testid="ab-verdict">
            {st.verdict}
          </Alert>
          {a.promotion && (
            <Alert severity="info" action={a.promotion.kind === 'rollout' ? <Button onClick={() => navigate(href('rollouts', [a.promotion!.id]))}>Open rollout</Button> : undefined}>
              Variant {a.promotion.variant} was promoted to {a.promotion.deviceIds.length} device{a.promotion.deviceIds.length === 1 ? '' : 's'} ({a.promotion.kind}).
            </Alert>
          )}
          <Grid container spacing={2} data-testid="ab-variants">
            {st.variants.map((v) => (
              <Grid key={v.name} size={{ xs: 12, sm: 6, md: 12 / Math.min(4, st.variants.length) }}>
                <VariantCard s={v} color={colorOf(v.name)} winner={st.winner === v.name} />
              </Grid>
            ))}
          </Grid>
          <SectionCard title="Latency" subtitle="Dots are estimates, whiskers their 95 % intervals (device-level bootstrap).">
            <Grid container spacing={3}>
              <Grid size={{ xs: 12, lg: 6 }}>
                <IntervalChart title="p50 latency" unit="ms" testId="ab-chart-p50" rows={st.variants.map((v) => ({ label: v.name, ...v.latencyP50Ms, color: colorOf(v.name) }))} />
              </Grid>
              <Grid size={{ xs: 12, lg: 6 }}>
                <IntervalChart title="p95 latency" unit="ms" testId="ab-chart-p95" rows={st.variants.map((v) => ({ label: v.name, ...v.latencyP95Ms, color: colorOf(v.name) }))} />
              </Grid>
            </Grid>
          </SectionCard>
          <SectionCard title={`Against ${st.comparisons[0]?.baseline ?? 'the baseline'}`} subtitle={`Significant at p < ${st.alpha}. Latency: a permutation test over devices (at least 4 per variant; shifts under 10 % are not judged); error rate: a two-proportion z-test.`}>
            {st.comparisons.length > 0 && (
              <Box sx={{ mb: 2 }}>
                <IntervalChart
                  title="p95 latency difference (variant − baseline)"
                  unit="ms"
                  zeroLine
                  testId="ab-chart-diff"
                  rows={st.comparisons.map((c) => ({ label: `${c.variant} − ${c.baseline}`, ...c.latencyP95DiffMs, color: colorOf(c.variant) }))}
                />
              </Box>
            )}
            <Table size="small" data-testid="ab-comparisons">
              <TableHead>
                <TableRow>
                  <TableCell>Variant</TableCell>
                  <TableCell>p50 difference</TableCell>
                  <TableCell>p95 difference</TableCell>
                  <TableCell>Error-rate difference</TableCell>
                  <TableCell>Confidence shift</TableCell>
                  <TableCell>Overall</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {st.comparisons.map((c) => (
                  <TableRow key={c.variant} data-testid="ab-comparison" data-variant={c.variant}>
                    <TableCell sx={{ fontWeight: 600 }}>
                      {c.variant} vs {c.baseline}
                    </TableCell>
                    <TableCell>
                      {formatInterval(c.latencyP50DiffMs)}
                      <br />
                      <SignificanceChip significant={c.latencyP50DiffMs.significant} />
                    </TableCell>
                    <TableCell>
                      {formatInterval(c.latencyP95DiffMs)}
                      <br />
                      <SignificanceChip significant={c.latencyP95DiffMs.significant} testId="ab-p95-significance" />
                    </TableCell>
                    <TableCell>
                      {c.errorRateDiff.estimate === null ? '—' : `${(c.errorRateDiff.estimate * 100).toFixed(2)} pts`} · {formatP(c.errorRateDiff.pValue)}
                      <br />
                      <SignificanceChip significant={c.errorRateDiff.significant} testId="ab-error-significance" />
                    </TableCell>
                    <TableCell>
                      KS {c.confidenceShift.ks === null ? '—' : c.confidenceShift.ks.toFixed(3)} · PSI {c.confidenceShift.psi === null ? '—' : c.confidenceShift.psi.toFixed(3)} · {formatP(c.confidenceShift.pValue)}
                      <br />
                      <SignificanceChip significant={c.confidenceShift.significant} />
                    </TableCell>
                    <TableCell>
                      <SignificanceChip significant={c.significant} testId="ab-significance" />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </SectionCard>
          <AbMetrics st={st} />
          {st.unreachable.length > 0 && (
            <Alert severity="warning">
              {st.unreachable.length} cohort device{st.unreachable.length === 1 ? '' : 's'} could not be reached for telemetry: {st.unreachable.slice(0, 5).join(', ')}
            </Alert>
          )}
          <Typography variant="caption" color="text.secondary">
            Computed {formatTime(st.computedAt)}
          </Typography>
        </>
      )}
      <ConfirmDialog ask={ask} onClose={() => setAsk(null)} />
    </Page>
  );
}

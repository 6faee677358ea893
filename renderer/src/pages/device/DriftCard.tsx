import { Box, Chip, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { ChartsReferenceLine } from '@mui/x-charts/ChartsReferenceLine';
import { LineChart } from '@mui/x-charts/LineChart';
import type { DeviceDetail, DeviceDrift } from '../../../../electron/core/api/types.js';
import { SectionCard } from '../../components/SectionCard.js';
import { useRequest } from '../../store/useRequest.js';
import { useReloadOn } from '../rollouts/useEventTick.js';

const levelColor = { ok: 'success', watch: 'warning', act: 'error' } as const;
const pad = (n: number) => String(n).padStart(2, '0');
const clock = (d: Date, seconds: boolean) => `${pad(d.getHours())}:${pad(d.getMinutes())}${seconds ? `:${pad(d.getSeconds())}` : ''}`;
const fmt = (v: number | null) => (v === null ? '–' : v.toFixed(3));

function DriftChart({ drift }: { drift: DeviceDrift }) {
  const at = drift.points.map((p) => new Date(p.end));
  // Short windows (a fleet set to finer charts, or a test) need seconds on the axis.
  const seconds = at.length > 1 && at[at.length - 1].getTime() - at[0].getTime() < 3_600_000;
  return (
    <Box data-testid="drift-chart" data-points={drift.points.filter((p) => p.inputPsi !== null || p.outputPsi !== null).length} sx={{ border: 1, borderColor: 'divider', borderRadius: 1, p: 1, pb: 0 }}>
      <LineChart
        height={200}
        skipAnimation
        xAxis={[{ data: at, scaleType: 'time', valueFormatter: (d: Date) => clock(d, seconds), tickNumber: 4, tickLabelStyle: { fontSize: 10 } }]}
        yAxis={[{ width: 44, min: 0, tickNumber: 4, tickLabelStyle: { fontSize: 10 } }]}
        series={[
          { data: drift.points.map((p) => p.inputPsi), label: 'input PSI (worst statistic)', color: '#4db6ff', showMark: true, connectNulls: false, valueFormatter: fmt },
          { data: drift.points.map((p) => p.outputPsi), label: 'output PSI (worst statistic)', color: '#b79cff', showMark: true, connectNulls: false, valueFormatter: fmt },
        ]}
        slotProps={{ legend: { sx: { fontSize: 11 } } }}
        margin={{ left: 0, right: 20, top: 8, bottom: 0 }}
      >
        <ChartsReferenceLine y={drift.thresholds.watch} label="watch 0.1" labelAlign="start" lineStyle={{ stroke: '#ffb547', strokeDasharray: '4 4' }} labelStyle={{ fontSize: 10, fill: '#ffb547' }} />
        <ChartsReferenceLine y={drift.thresholds.act} label="act 0.25" labelAlign="end" lineStyle={{ stroke: '#ff6b6b', strokeDasharray: '4 4' }} labelStyle={{ fontSize: 10, fill: '#ff6b6b' }} />
      </LineChart>
    </Box>
  );
}

/** Whether what the device sees still looks like the data its model was validated on, window by window. */
export function DriftCard({ device }: { device: DeviceDetail }) {
  const drift = useRequest('devices.drift', { id: device.id, hours: 24 });
  useReloadOn(['devices.changed'], drift.reload, 5000);
  const d = drift.data;
  const m = d?.merged;
  return (
    <SectionCard
      title="Drift"
      subtitle={`The last 24 hours of ${d?.model ? `${d.model.name} ${d.model.version}` : 'the active model'} against its reference profile, as PSI: below 0.1 nothing to do, 0.1 to 0.25 watch, from 0.25 act. Only sketches reach the console, never an input.`}
      testId="device-drift"
    >
      {!d ? null : d.note && d.points.length === 0 ? (
        <Typography variant="body2" color="text.secondary" data-testid="drift-note">
          {d.note}
        </Typography>
      ) : (
        <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
          <DriftChart drift={d} />
          {m && (
            <>
              <Typography variant="body2" color="text.secondary">
                All {d.points.length} windows merged: {m.samples.toLocaleString('en-US')} samples
                {m.enough ? '' : ` (fewer than the ${m.minSamples} needed: not judged yet)`}.{m.missing.length > 0 && ` Not in the windows: ${m.missing.join(', ')}.`}
              </Typography>
              <Table size="small" data-testid="drift-table">
                <TableHead>
                  <TableRow>
                    <TableCell>Statistic</TableCell>
                    <TableCell align="right">PSI</TableCell>
                    <TableCell align="right">KS</TableCell>
                    <TableCell align="right">Jensen–Shannon</TableCell>
                    <TableCell>Level</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {m.features.map((f) => (
                    <TableRow key={f.key} data-testid="drift-row" data-key={f.key} data-level={f.level}>
                      <TableCell sx={{ fontFamily: 'monospace' }}>{f.key}</TableCell>
                      <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                        {fmt(f.psi)}
                      </TableCell>
                      <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                        {fmt(f.ks)}
                      </TableCell>
                      <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                        {fmt(f.js)}
                      </TableCell>
                      <TableCell title={d.explanations[f.level]}>{m.enough ? <Chip size="small" label={f.level} color={levelColor[f.level]} variant="outlined" /> : '–'}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </>
          )}
        </Box>
      )}
    </SectionCard>
  );
}

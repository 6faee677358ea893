import { Box, Grid, Typography } from '@mui/material';
import { LineChart } from '@mui/x-charts/LineChart';
import { useMemo } from 'react';
import type { DeviceDetail } from '../../../../electron/core/api/types.js';
import { SectionCard } from '../../components/SectionCard.js';
import { formatAgo, formatMs } from '../../format/format.js';
import { toSeries } from './telemetry.js';

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;

const colors = { p50: '#4db6ff', p95: '#ffb547', p99: '#ff6b6b', req: '#4cc98a', err: '#ff6b6b', conf: '#b79cff', rss: '#7fb8e6', cpu: '#ffb547', temp: '#ff8a65' };

interface Line {
  data: (number | null)[];
  label: string;
  color: string;
}

function MiniChart({ title, at, lines, unit, format, testId }: { title: string; at: Date[]; lines: Line[]; unit: string; format: (v: number) => string; testId: string }) {
  const last = lines[0]?.data.findLast((v) => v !== null);
  return (
    <Box data-testid={testId} sx={{ border: 1, borderColor: 'divider', borderRadius: 1, p: 1, pb: 0 }}>
      <Box sx={{ display: 'flex', alignItems: 'baseline', gap: 1, px: 0.5 }}>
        <Typography variant="subtitle2" component="h3">
          {title}
        </Typography>
        <Typography variant="caption" color="text.secondary">
          {unit}
        </Typography>
        <Box sx={{ flex: 1 }} />
        <Typography variant="body2" sx={{ fontVariantNumeric: 'tabular-nums', color: lines[0]?.color }}>
          {last === undefined || last === null ? '–' : format(last)}
        </Typography>
      </Box>
      <LineChart
        height={170}
        skipAnimation
        xAxis={[{ data: at, scaleType: 'time', valueFormatter: (d: Date) => clock(d), tickNumber: 3, tickLabelStyle: { fontSize: 10 } }]}
        yAxis={[{ width: 44, tickNumber: 4, valueFormatter: (v: number) => format(v), tickLabelStyle: { fontSize: 10 } }]}
        series={lines.map((l) => ({ data: l.data, label: l.label, color: l.color, showMark: false, curve: 'linear' as const, valueFormatter: (v: number | null) => (v === null ? '–' : format(v)) }))}
        hideLegend={lines.length === 1}
        slotProps={{ legend: { sx: { fontSize: 11 } } }}
        margin={{ left: 0, right: 20, top: 8, bottom: 0 }}
      />
    </Box>
  );
}

const num = (digits: number) => (v: number) => v.toFixed(v !== 0 && Math.abs(v) < 10 ? digits : 0);

/** Live telemetry from the device's history: latency, throughput, confidence (drift), memory, CPU, temperature. */
export function TelemetryCharts({ device }: { device: DeviceDetail }) {
  const s = useMemo(() => toSeries(device.history), [device.history]);
  const latest = device.telemetry;
  return (
    <SectionCard
      title="Live telemetry"
      subtitle={
        latest
          ? `Last sample ${formatAgo(latest.at)} · ${s.at.length} samples${latest.latencyMs ? ` · p95 ${formatMs(latest.latencyMs.p95)}` : ''}`
          : 'The agent sends a sample every few seconds while it is connected.'
      }
      testId="device-telemetry"
    >
      {s.at.length < 2 ? (
        <Typography variant="body2" color="text.secondary" data-testid="telemetry-chart" data-empty="true">
          {device.state === 'offline' || device.state === 'discovered'
            ? 'No telemetry: the device is not connected.'
            : 'Waiting for telemetry: charts appear after two samples.'}
        </Typography>
      ) : (
        <Box data-testid="telemetry-chart" data-samples={s.at.length}>
          <Grid container spacing={1.5}>
            <Grid size={{ xs: 12, lg: 6 }}>
              <MiniChart
                title="Latency"
                unit="ms"
                testId="telemetry-latency"
                at={s.at}
                format={num(1)}
                lines={[
                  { data: s.p50, label: 'p50', color: colors.p50 },
                  { data: s.p95, label: 'p95', color: colors.p95 },
                  { data: s.p99, label: 'p99', color: colors.p99 },
                ]}
              />
            </Grid>
            <Grid size={{ xs: 12, lg: 6 }}>
              <MiniChart
                title="Throughput"
                unit="per second"
                testId="telemetry-throughput"
                at={s.at}
                format={num(1)}
                lines={[
                  { data: s.requestsPerSec, label: 'requests/s', color: colors.req },
                  { data: s.errorsPerSec, label: 'errors/s', color: colors.err },
                ]}
              />
            </Grid>
            {s.hasConfidence && (
              <Grid size={{ xs: 12, md: 6, lg: 3 }}>
                <MiniChart title="Confidence" unit="mean top-1" testId="telemetry-confidence" at={s.at} format={(v) => `${(v * 100).toFixed(0)}%`} lines={[{ data: s.confidence, label: 'confidence', color: colors.conf }]} />
              </Grid>
            )}
            <Grid size={{ xs: 12, md: 6, lg: 3 }}>
              <MiniChart title="Memory" unit="RSS, MiB" testId="telemetry-rss" at={s.at} format={num(1)} lines={[{ data: s.rssMiB, label: 'RSS', color: colors.rss }]} />
            </Grid>
            {s.hasCpu && (
              <Grid size={{ xs: 12, md: 6, lg: 3 }}>
                <MiniChart title="CPU load" unit="as reported" testId="telemetry-cpu" at={s.at} format={num(2)} lines={[{ data: s.cpuLoad, label: 'CPU', color: colors.cpu }]} />
              </Grid>
            )}
            {s.hasTemperature && (
              <Grid size={{ xs: 12, md: 6, lg: 3 }}>
                <MiniChart title="Temperature" unit="°C" testId="telemetry-temperature" at={s.at} format={num(1)} lines={[{ data: s.temperatureC, label: 'temperature', color: colors.temp }]} />
              </Grid>
            )}
          </Grid>
        </Box>
      )}
    </SectionCard>
  );
}

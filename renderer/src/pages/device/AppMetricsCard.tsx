import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { formatMetricLevel } from '../../../../electron/core/api/app-metric-format.js';
import type { DeviceDetail } from '../../../../electron/core/api/types.js';
import { SectionCard } from '../../components/SectionCard.js';
import { formatTime } from '../../format/format.js';
import { useRequest } from '../../store/useRequest.js';
import { useReloadOn } from '../rollouts/useEventTick.js';

/** The application's own numbers on this device over the last day, per model it served. */
export function AppMetricsCard({ device }: { device: DeviceDetail }) {
  const metrics = useRequest('devices.appMetrics', { id: device.id, hours: 24 });
  useReloadOn(['devices.changed'], metrics.reload, 5000);
  const models = metrics.data?.models ?? [];
  return (
    <SectionCard
      title="Application metrics"
      subtitle="What the device's application reported to the agent (POST /v1/metrics on its local endpoint) over the last 24 hours: counts per 1,000 inferences of the same model, values as means."
      testId="device-app-metrics"
    >
      {models.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          None reported. An application sends {'{"metrics": [{"name": "false_alarm", "count": 1}]}'} to the agent&apos;s local endpoint; rollouts can then gate on them (metric:false_alarm&lt;=1.05x).
        </Typography>
      ) : (
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell>Model</TableCell>
              <TableCell>Metric</TableCell>
              <TableCell>Level</TableCell>
              <TableCell>Reported</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {models.flatMap((m) =>
              Object.entries(m.metrics).map(([name, s], i) => (
                <TableRow key={`${m.modelName}-${m.modelVersion}-${name}`} data-testid="device-app-metric" data-metric={name}>
                  <TableCell>{i === 0 ? `${m.modelName ?? 'no model'}${m.modelVersion ? ` v${m.modelVersion}` : ''}` : ''}</TableCell>
                  <TableCell sx={{ fontFamily: 'monospace' }}>{name}</TableCell>
                  <TableCell sx={{ fontVariantNumeric: 'tabular-nums' }}>{formatMetricLevel(s)}</TableCell>
                  <TableCell>{i === 0 ? `${formatTime(m.from)} – ${formatTime(m.to)}` : ''}</TableCell>
                </TableRow>
              )),
            )}
          </TableBody>
        </Table>
      )}
    </SectionCard>
  );
}

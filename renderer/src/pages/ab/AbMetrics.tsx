import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { formatMetricLevel, formatMetricRatio } from '../../../../electron/core/api/app-metric-format.js';
import type { AbStatus } from '../../../../electron/core/api/types.js';
import { SectionCard } from '../../components/SectionCard.js';
import { SignificanceChip } from './ab-look.js';

/** The application's own metrics per variant, and each variant's ratio to the baseline. */
export function AbMetrics({ st }: { st: AbStatus }) {
  const names = [...new Set(st.variants.flatMap((v) => Object.keys(v.metrics)))].sort();
  return (
    <SectionCard
      title="Application metrics"
      subtitle={`What the devices' application reported to the agent (POST /v1/metrics): counts per 1,000 inferences, values as means; the ratio's 95 % interval and a test on its logarithm, significant at p < ${st.alpha}. Whether higher is better is the application's to say.`}
    >
      {names.length === 0 ? (
        <Typography variant="body2" color="text.secondary" data-testid="ab-metrics-none">
          No application metrics reported yet. An application on the device sends them to the agent&apos;s local endpoint, for example {'{"metrics": [{"name": "false_alarm", "count": 1}]}'}.
        </Typography>
      ) : (
        <Table size="small" data-testid="ab-metrics">
          <TableHead>
            <TableRow>
              <TableCell>Metric</TableCell>
              {st.variants.map((v) => (
                <TableCell key={v.name}>{v.name}</TableCell>
              ))}
              {st.comparisons.map((c) => (
                <TableCell key={c.variant}>
                  {c.variant} / {c.baseline}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {names.map((n) => (
              <TableRow key={n} data-testid="ab-metric" data-metric={n}>
                <TableCell sx={{ fontWeight: 600, fontFamily: 'monospace' }}>{n}</TableCell>
                {st.variants.map((v) => (
                  <TableCell key={v.name} sx={{ fontVariantNumeric: 'tabular-nums' }}>
                    {formatMetricLevel(v.metrics[n])}
                  </TableCell>
                ))}
                {st.comparisons.map((c) => (
                  <TableCell key={c.variant} sx={{ fontVariantNumeric: 'tabular-nums' }}>
                    {formatMetricRatio(c.metrics[n])}
                    <br />
                    <SignificanceChip significant={c.metrics[n]?.significant ?? false} />
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </SectionCard>
  );
}

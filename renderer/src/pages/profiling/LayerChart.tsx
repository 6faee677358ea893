import { BarChart } from '@mui/x-charts/BarChart';
import { useMemo } from 'react';
import type { ProfileRow } from '../../../../electron/core/api/types.js';
import { OpLegend } from '../../components/OpLegend.js';
import { formatUs } from '../../format/format.js';
import { opColor } from '../../format/op-colors.js';
import { shortLayerName } from '../../format/short-name.js';


/** The 20 slowest layers (mean µs per run), coloured by op type. */
export function LayerChart({ rows }: { rows: ProfileRow[] }) {
  const data = useMemo(() => {
    const top = [...rows].sort((a, b) => b.meanUs - a.meanUs).slice(0, 20);
    return {
      names: top.map((r) => r.name),
      ops: top.map((r) => r.opType),
      values: top.map((r) => r.meanUs),
      legend: [...new Set(top.map((r) => r.opType))],
    };
  }, [rows]);
  if (data.names.length === 0) return null;
  return (
    <div data-testid="layer-chart">
      <BarChart
        layout="horizontal"
        height={data.names.length * 22 + 60}
        yAxis={[
          {
            scaleType: 'band',
            data: data.names,
            width: 220,
            categoryGapRatio: 0.2,
            tickLabelStyle: { fontSize: 11 },
            valueFormatter: (v: string, ctx) => (ctx.location === 'tick' ? shortLayerName(v) : `${v} (${data.ops[data.names.indexOf(v)] ?? ''})`),
          },
        ]}
        xAxis={[{ label: 'mean µs per run' }]}
        series={[
          {
            data: data.values,
            label: 'Mean µs',
            valueFormatter: (v) => (v === null ? '' : `${formatUs(v)} µs`),
            colorGetter: ({ dataIndex }) => opColor(data.ops[dataIndex] ?? ''),
          },
        ]}
        hideLegend
        margin={{ left: 8, right: 16, top: 8, bottom: 8 }}
      />
      <OpLegend ops={data.legend} testId="layer-chart-legend" />
    </div>
  );
}

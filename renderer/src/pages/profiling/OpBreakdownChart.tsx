import { BarChart } from '@mui/x-charts/BarChart';
import { useMemo } from 'react';
import type { ProfileResult } from '../../../../electron/core/api/types.js';
import { formatPercent, formatUs } from '../../format/format.js';
import { opColor } from '../../format/op-colors.js';

/** Where the time goes by op type: share of node time, with µs and node count in the tooltip. */
export function OpBreakdownChart({ breakdown }: { breakdown: ProfileResult['opBreakdown'] }) {
  const data = useMemo(() => {
    const sorted = [...breakdown].sort((a, b) => b.us - a.us);
    return { ops: sorted.map((o) => o.opType), shares: sorted.map((o) => o.share * 100), rows: sorted };
  }, [breakdown]);
  if (data.ops.length === 0) return null;
  return (
    <div data-testid="op-breakdown">
      <BarChart
        layout="horizontal"
        height={Math.max(140, data.ops.length * 24 + 60)}
        yAxis={[{ scaleType: 'band', data: data.ops, width: 140, categoryGapRatio: 0.25 }]}
        xAxis={[{ label: '% of node time', max: 100 }]}
        series={[
          {
            data: data.shares,
            label: 'Share',
            valueFormatter: (_v, { dataIndex }) => {
              const r = data.rows[dataIndex];
              return r ? `${formatPercent(r.share)} · ${formatUs(r.us)} µs · ${r.count} node${r.count === 1 ? '' : 's'}` : '';
            },
            colorGetter: ({ dataIndex }) => opColor(data.ops[dataIndex] ?? ''),
          },
        ]}
        hideLegend
        margin={{ left: 8, right: 16, top: 8, bottom: 8 }}
      />
    </div>
  );
}

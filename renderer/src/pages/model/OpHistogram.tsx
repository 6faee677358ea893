import { BarChart } from '@mui/x-charts/BarChart';
import { useMemo } from 'react';
import { opColor } from '../../format/op-colors.js';

/** How many nodes of each op type, as a horizontal bar chart sorted by count. */
export function OpHistogram({ opCounts }: { opCounts: Record<string, number> }) {
  const { ops, counts } = useMemo(() => {
    const sorted = Object.entries(opCounts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    return { ops: sorted.map(([op]) => op), counts: sorted.map(([, c]) => c) };
  }, [opCounts]);
  if (ops.length === 0) return null;
  return (
    <div data-testid="op-histogram">
      <BarChart
        layout="horizontal"
        height={Math.max(140, ops.length * 22 + 50)}
        yAxis={[{ scaleType: 'band', data: ops, width: 150, categoryGapRatio: 0.25 }]}
        xAxis={[{ label: 'nodes', tickMinStep: 1 }]}
        series={[{ data: counts, label: 'Nodes', colorGetter: ({ dataIndex }) => opColor(ops[dataIndex] ?? '') }]}
        hideLegend
        margin={{ left: 8, right: 16, top: 8, bottom: 8 }}
      />
    </div>
  );
}

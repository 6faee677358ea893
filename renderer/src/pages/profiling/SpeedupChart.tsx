import { BarChart } from '@mui/x-charts/BarChart';
import { useMemo } from 'react';
import type { ProfileComparisonRow } from '../../../../electron/core/api/types.js';
import { formatSpeedup, formatUs } from '../../format/format.js';
import { shortLayerName } from '../../format/short-name.js';

export const faster = '#4cc98a';
export const slower = '#ff6b6b';


/** Per-layer speedup of B over A for the 20 longest layers, diverging from 1×: green faster, red slower. */
export function SpeedupChart({ rows }: { rows: ProfileComparisonRow[] }) {
  const data = useMemo(() => {
    const top = rows
      .filter((r) => r.speedup !== null)
      .sort((a, b) => Math.max(b.aUs ?? 0, b.bUs ?? 0) - Math.max(a.aUs ?? 0, a.bUs ?? 0))
      .slice(0, 20);
    // log2 so that 2× faster and 2× slower are bars of the same length either side of 1×.
    return { keys: top.map((r) => r.key), values: top.map((r) => Math.log2(Math.max(1e-6, r.speedup ?? 1))), rows: top };
  }, [rows]);
  if (data.keys.length === 0) return null;
  return (
    <div data-testid="speedup-chart">
      <BarChart
        layout="horizontal"
        height={data.keys.length * 22 + 60}
        yAxis={[{ scaleType: 'band', data: data.keys, width: 220, tickLabelStyle: { fontSize: 11 }, valueFormatter: (v: string, ctx) => (ctx.location === 'tick' ? shortLayerName(v) : v) }]}
        xAxis={[{ label: '← slower in B · speedup (A time ÷ B time, log scale) · faster in B →', valueFormatter: (v: number) => formatSpeedup(2 ** v), tickMinStep: 1 }]}
        series={[
          {
            data: data.values,
            label: 'Speedup',
            valueFormatter: (_v, { dataIndex }) => {
              const r = data.rows[dataIndex];
              return r ? `${formatSpeedup(r.speedup)} · A ${formatUs(r.aUs ?? NaN)} µs → B ${formatUs(r.bUs ?? NaN)} µs` : '';
            },
            colorGetter: ({ value }) => ((value ?? 0) >= 0 ? faster : slower),
          },
        ]}
        hideLegend
        margin={{ left: 8, right: 16, top: 8, bottom: 8 }}
      />
    </div>
  );
}

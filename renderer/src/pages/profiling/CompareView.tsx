import CompareArrowsIcon from '@mui/icons-material/CompareArrows';
import { Box, Button, Chip, Typography } from '@mui/material';
import { DataGrid, type GridColDef } from '@mui/x-data-grid';
import { useMemo, useState } from 'react';
import type { ProfileComparisonRow, ProfileSummary } from '../../../../electron/core/api/types.js';
import { ErrorCard } from '../../components/ErrorCard.js';
import { gridSx } from '../../components/grid-style.js';
import { SectionCard } from '../../components/SectionCard.js';
import { SelectField } from '../../components/SelectField.js';
import { formatMs, formatSpeedup, formatTime, formatUs } from '../../format/format.js';
import { useRequest } from '../../store/useRequest.js';
import { faster, slower, SpeedupChart } from './SpeedupChart.js';

const speedColor = (s: number | null) => (s === null ? undefined : s > 1.02 ? faster : s < 0.98 ? slower : undefined);

const columns: GridColDef<ProfileComparisonRow & { id: string }>[] = [
  { field: 'key', headerName: 'Layer', flex: 2, minWidth: 220, cellClassName: 'mono' },
  { field: 'opType', headerName: 'Op type', width: 140 },
  { field: 'aUs', headerName: 'A µs', type: 'number', width: 100, valueFormatter: (v: number | null) => (v === null ? '—' : formatUs(v)), cellClassName: 'num' },
  { field: 'bUs', headerName: 'B µs', type: 'number', width: 100, valueFormatter: (v: number | null) => (v === null ? '—' : formatUs(v)), cellClassName: 'num' },
  {
    field: 'speedup',
    headerName: 'Speedup',
    type: 'number',
    width: 110,
    renderCell: ({ row }) => (
      <Box component="span" sx={{ color: speedColor(row.speedup), fontWeight: 600, fontVariantNumeric: 'tabular-nums' }}>
        {row.speedup === null ? (row.aUs === null ? 'only in B' : 'only in A') : formatSpeedup(row.speedup)}
      </Box>
    ),
  },
];

const label = (p: ProfileSummary) => `${p.modelName} · ${formatTime(p.createdAt)} · ${formatMs(p.latencyMs.mean)}`;

/** Two stored profiles side by side: whole-model speedup and per-layer speedup. */
export function CompareView({ profiles }: { profiles: ProfileSummary[] }) {
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [asked, setAsked] = useState<{ a: string; b: string } | null>(null);
  const comparison = useRequest('profiling.compare', asked);
  const options = useMemo(() => profiles.map((p) => ({ value: p.id, label: label(p) })), [profiles]);
  const rows = useMemo(() => (comparison.data?.rows ?? []).map((r) => ({ ...r, id: r.key })), [comparison.data]);
  const c = comparison.data;

  return (
    <SectionCard title="Compare two profiles" subtitle="For example the same model before and after optimization, or on two devices." testId="compare-view">
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap', alignItems: 'flex-start' }}>
        <SelectField label="A (baseline)" value={a} onChange={setA} options={options} testId="compare-a" minWidth={300} />
        <SelectField label="B (candidate)" value={b} onChange={setB} options={options} testId="compare-b" minWidth={300} />
        <Button
          variant="contained"
          startIcon={<CompareArrowsIcon />}
          disabled={!a || !b}
          onClick={() => setAsked({ a, b })}
          data-testid="compare-run"
          sx={{ mt: 0.25 }}
        >
          Compare
        </Button>
      </Box>
      {profiles.length < 2 && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          Store at least two profiles to compare them.
        </Typography>
      )}
      {comparison.error && (
        <Box sx={{ mt: 2 }}>
          <ErrorCard error={comparison.error} />
        </Box>
      )}
      {c && (
        <Box sx={{ mt: 2, display: 'flex', flexDirection: 'column', gap: 2 }} data-testid="compare-result">
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
            <Typography variant="h4" component="p" data-testid="compare-speedup" sx={{ color: speedColor(c.speedup), fontVariantNumeric: 'tabular-nums' }}>
              {formatSpeedup(c.speedup)}
            </Typography>
            <Box>
              <Typography variant="subtitle2">
                {c.speedup >= 1 ? `B is ${formatSpeedup(c.speedup)} faster than A` : `B is ${formatSpeedup(1 / c.speedup)} slower than A`}
              </Typography>
              <Typography variant="body2" color="text.secondary">
                Median (p50) run: A {formatMs(c.a.latencyMs.p50)} ({c.a.device.name}) → B {formatMs(c.b.latencyMs.p50)} ({c.b.device.name}) · mean{' '}
                {formatMs(c.a.latencyMs.mean)} → {formatMs(c.b.latencyMs.mean)}
              </Typography>
            </Box>
            <Box sx={{ flex: 1 }} />
            <Chip label="green: faster in B" sx={{ color: faster, borderColor: faster }} variant="outlined" />
            <Chip label="red: slower in B" sx={{ color: slower, borderColor: slower }} variant="outlined" />
          </Box>
          <SpeedupChart rows={c.rows} />
          <Box sx={{ height: 420 }} data-testid="compare-table">
            <DataGrid
              rows={rows}
              columns={columns}
              density="compact"
              disableRowSelectionOnClick
              initialState={{ sorting: { sortModel: [{ field: 'aUs', sort: 'desc' }] } }}
              sx={gridSx()}
            />
          </Box>
        </Box>
      )}
    </SectionCard>
  );
}

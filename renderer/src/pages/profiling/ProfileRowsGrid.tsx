import { Box, Chip, Tooltip } from '@mui/material';
import { DataGrid, type GridColDef } from '@mui/x-data-grid';
import { useMemo } from 'react';
import type { ProfileRow } from '../../../../electron/core/api/types.js';
import { gridSx } from '../../components/grid-style.js';
import { formatPercent, formatUs } from '../../format/format.js';
import { opColor } from '../../format/op-colors.js';
import { monoFont } from '../../theme.js';

type Row = ProfileRow & { id: number };

const columns: GridColDef<Row>[] = [
  { field: 'name', headerName: 'Layer', flex: 2, minWidth: 220, cellClassName: 'mono' },
  {
    field: 'opType',
    headerName: 'Op type',
    width: 150,
    renderCell: ({ row }) => (
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Box sx={{ width: 10, height: 10, borderRadius: '2px', bgcolor: opColor(row.opType), flexShrink: 0 }} />
        {row.opType}
      </Box>
    ),
  },
  {
    field: 'fused',
    headerName: 'Fused',
    width: 100,
    type: 'boolean',
    renderCell: ({ row }) =>
      row.fused ? (
        <Tooltip title={<Box sx={{ fontFamily: monoFont, whiteSpace: 'pre-line' }}>{`Fused from:\n${row.nodes.join('\n')}`}</Box>}>
          <Chip label={row.nodes.length > 1 ? `fused ×${row.nodes.length}` : 'fused'} color="secondary" variant="outlined" data-testid="fused-badge" />
        </Tooltip>
      ) : null,
  },
  { field: 'meanUs', headerName: 'Mean µs', type: 'number', width: 115, valueFormatter: (v: number) => formatUs(v), cellClassName: 'num' },
  { field: 'p50Us', headerName: 'p50 µs', type: 'number', width: 105, valueFormatter: (v: number) => formatUs(v), cellClassName: 'num' },
  { field: 'share', headerName: 'Share', type: 'number', width: 90, valueFormatter: (v: number) => formatPercent(v), cellClassName: 'num' },
  { field: 'outputShape', headerName: 'Output shape', width: 170, valueFormatter: (v: string | null) => v ?? '—', cellClassName: 'mono' },
  { field: 'provider', headerName: 'Provider', width: 120, valueFormatter: (v: string) => v.replace(/ExecutionProvider$/, '') },
];

// Rows of a model converted from TFLite name the TFLite operators they run ("12 CONV_2D <tensor>").
const sourceColumn: GridColDef<Row> = {
  field: 'sourceOps',
  headerName: 'TFLite operator',
  flex: 1.5,
  minWidth: 200,
  cellClassName: 'mono',
  valueGetter: (_v, row) => row.sourceOps?.join(', ') ?? '',
  renderCell: ({ row }) => (
    <Tooltip title={<Box sx={{ fontFamily: monoFont, whiteSpace: 'pre-line' }}>{(row.sourceOps ?? []).join('\n')}</Box>}>
      <span data-testid="source-op">{(row.sourceOps ?? []).map((s) => s.split(' ').slice(0, 2).join(' ')).join(', ') || '—'}</span>
    </Tooltip>
  ),
};

/** Every row of the profile, sortable, virtualized. */
export function ProfileRowsGrid({ rows }: { rows: ProfileRow[] }) {
  const withIds = useMemo(() => rows.map((r, i) => ({ ...r, id: i })), [rows]);
  const withSource = rows.some((r) => r.sourceOps && r.sourceOps.length > 0);
  const shown = useMemo(() => (withSource ? [columns[0], sourceColumn, ...columns.slice(1)] : columns), [withSource]);
  return (
    <Box sx={{ height: 520 }} data-testid="profile-table">
      <DataGrid
        rows={withIds}
        columns={shown}
        density="compact"
        disableRowSelectionOnClick
        initialState={{ sorting: { sortModel: [{ field: 'meanUs', sort: 'desc' }] } }}
        sx={gridSx()}
      />
    </Box>
  );
}

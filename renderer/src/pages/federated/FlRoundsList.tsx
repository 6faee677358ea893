import { Box } from '@mui/material';
import { DataGrid, type GridColDef } from '@mui/x-data-grid';
import type { FlRoundSummary } from '../../../../electron/core/api/types.js';
import { gridSx } from '../../components/grid-style.js';
import { formatAgo, formatTime } from '../../format/format.js';
import { href, navigate } from '../../router/hash-route.js';
import { privacySpent } from '../../../../electron/core/api/privacy-spent.js';
import { durationOf, FlPhaseChip, fmtLoss } from './fl-look.js';

const columns: GridColDef<FlRoundSummary>[] = [
  { field: 'modelName', headerName: 'Model', flex: 1, minWidth: 160 },
  { field: 'phase', headerName: 'Status', width: 140, renderCell: ({ row }) => <FlPhaseChip phase={row.phase} /> },
  { field: 'aggregation', headerName: 'Aggregation', width: 140, valueGetter: (_v, row) => `${row.aggregation}${row.secure ? ' · SecAgg+' : ''}` },
  {
    field: 'participants',
    headerName: 'Selected · in · dropped',
    width: 195,
    description: 'Devices asked for, whose updates are in the aggregate, and that dropped out after being selected',
    renderCell: ({ row }) => <span data-testid="fl-round-counts">{`${row.selectCount} · ${row.participants} · ${row.droppedCount}`}</span>,
  },
  { field: 'loss', headerName: 'Held-out loss', width: 180, sortable: false, valueGetter: (_v, row) => `${fmtLoss(row.lossBefore)} → ${fmtLoss(row.lossAfter)}` },
  { field: 'privacy', headerName: 'Privacy spent', width: 190, sortable: false, description: 'ε of this round (of the model lineage so far), at the round’s δ', valueGetter: (_v, row) => privacySpent(row) },
  { field: 'duration', headerName: 'Duration', width: 90, sortable: false, valueGetter: (_v, row) => durationOf(row.createdAt, row.finishedAt) },
  { field: 'reason', headerName: 'Why it ended so', flex: 1.3, minWidth: 180, renderCell: ({ row }) => <span title={row.reason ?? ''}>{row.reason ?? ''}</span> },
  { field: 'createdAt', headerName: 'Started', width: 110, renderCell: ({ row }) => <span title={formatTime(row.createdAt)}>{formatAgo(row.createdAt)}</span> },
];

/** Every federated round, newest first; a row opens its detail. */
export function FlRoundsList({ rounds, loading }: { rounds: FlRoundSummary[]; loading: boolean }) {
  return (
    <Box sx={{ height: Math.min(560, 110 + rounds.length * 44) }} data-testid="fl-rounds">
      <DataGrid
        rows={rounds}
        columns={columns}
        loading={loading}
        rowHeight={44}
        density="compact"
        disableRowSelectionOnClick
        getRowClassName={() => 'fl-round-row'}
        onRowClick={({ row }: { row: FlRoundSummary }) => navigate(href('federated', [row.id]))}
        pageSizeOptions={[25, 50, 100]}
        initialState={{ pagination: { paginationModel: { pageSize: 25, page: 0 } }, sorting: { sortModel: [{ field: 'createdAt', sort: 'desc' }] } }}
        sx={gridSx(true)}
      />
    </Box>
  );
}

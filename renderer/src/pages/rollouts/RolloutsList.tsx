import { Box, LinearProgress, Typography } from '@mui/material';
import { DataGrid, type GridColDef } from '@mui/x-data-grid';
import type { RolloutSummary } from '../../../../electron/core/api/types.js';
import { gridSx } from '../../components/grid-style.js';
import { formatAgo, formatTime } from '../../format/format.js';
import { href, navigate } from '../../router/hash-route.js';
import { RolloutStatusChip } from './rollout-look.js';

const columns: GridColDef<RolloutSummary>[] = [
  { field: 'modelName', headerName: 'Model', flex: 1, minWidth: 170 },
  { field: 'selector', headerName: 'Targets', flex: 1, minWidth: 150, cellClassName: 'mono' },
  { field: 'status', headerName: 'Status', width: 130, renderCell: ({ row }) => <RolloutStatusChip status={row.status} /> },
  { field: 'stage', headerName: 'Stage', width: 90, valueGetter: (_v, row) => (row.stage < 0 ? '–' : `${row.stage + 1} / ${row.stageCount}`) },
  {
    field: 'progress',
    headerName: 'Confirmed',
    width: 180,
    sortable: false,
    renderCell: ({ row }) => {
      const done = row.counts.confirmed ?? 0;
      return (
        <Box sx={{ width: '100%' }}>
          <LinearProgress variant="determinate" value={(100 * done) / Math.max(1, row.deviceCount)} color={row.status === 'halted' || row.status === 'rolled-back' ? 'error' : 'success'} sx={{ height: 5, borderRadius: 3 }} />
          <Typography variant="caption" color="text.secondary">
            {done} of {row.deviceCount} devices
          </Typography>
        </Box>
      );
    },
  },
  { field: 'reason', headerName: 'Why it stopped', flex: 1.3, minWidth: 180, renderCell: ({ row }) => <span title={row.reason ?? ''}>{row.reason ?? ''}</span> },
  { field: 'updatedAt', headerName: 'Updated', width: 110, renderCell: ({ row }) => <span title={formatTime(row.updatedAt)}>{formatAgo(row.updatedAt)}</span> },
];

/** Every rollout, newest first; a row opens its live view. */
export function RolloutsList({ rollouts, loading }: { rollouts: RolloutSummary[]; loading: boolean }) {
  return (
    <Box sx={{ height: Math.min(560, 110 + rollouts.length * 48) }} data-testid="rollouts-list">
      <DataGrid
        rows={rollouts}
        columns={columns}
        loading={loading}
        rowHeight={48}
        density="compact"
        disableRowSelectionOnClick
        getRowClassName={() => 'rollout-row'}
        onRowClick={({ row }: { row: RolloutSummary }) => navigate(href('rollouts', [row.id]))}
        pageSizeOptions={[25, 50, 100]}
        initialState={{ pagination: { paginationModel: { pageSize: 25, page: 0 } }, sorting: { sortModel: [{ field: 'updatedAt', sort: 'desc' }] } }}
        sx={gridSx(true)}
      />
    </Box>
  );
}

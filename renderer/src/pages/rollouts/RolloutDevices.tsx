import { Box, LinearProgress, Typography } from '@mui/material';
import { DataGrid, type GridColDef } from '@mui/x-data-grid';
import type { RolloutDeviceView } from '../../../../electron/core/api/types.js';
import { gridSx } from '../../components/grid-style.js';
import { formatBytes } from '../../format/format.js';
import { deviceHref, navigate } from '../../router/hash-route.js';
import { DevicePhaseChip } from './rollout-look.js';

const columns: GridColDef<RolloutDeviceView>[] = [
  { field: 'name', headerName: 'Device', flex: 1, minWidth: 150 },
  { field: 'stage', headerName: 'Stage', width: 96, valueFormatter: (v: number) => `${v + 1}`, cellClassName: 'num' },
  { field: 'phase', headerName: 'State', width: 130, renderCell: ({ row }) => <DevicePhaseChip phase={row.phase} /> },
  {
    field: 'deploy',
    headerName: 'Upload',
    width: 220,
    sortable: false,
    renderCell: ({ row }) => {
      const d = row.deploy;
      if (!d) return <Typography component="span" variant="body2" color="text.disabled">—</Typography>;
      const pct = d.totalBytes ? (100 * d.bytes) / d.totalBytes : 0;
      return (
        <Box sx={{ width: '100%' }}>
          <LinearProgress variant="determinate" value={pct} sx={{ height: 5, borderRadius: 3 }} />
          <Typography variant="caption" color="text.secondary">
            {formatBytes(d.bytes)} of {formatBytes(d.totalBytes)} · {d.phase}
          </Typography>
        </Box>
      );
    },
  },
  {
    field: 'previousModel',
    headerName: 'Had before',
    width: 170,
    valueGetter: (_v, row) => (row.previousModel ? `${row.previousModel.name ?? 'unnamed'} ${row.previousModel.version ?? ''}`.trim() : '—'),
  },
  {
    field: 'error',
    headerName: 'Problem',
    flex: 1.5,
    minWidth: 200,
    renderCell: ({ row }) => (row.error ? <span title={row.error}>{row.error}</span> : <Typography component="span" variant="body2" color="text.disabled">—</Typography>),
  },
];

/** Every device the rollout froze at its start, with its stage, state and upload. */
export function RolloutDevices({ devices }: { devices: RolloutDeviceView[] }) {
  return (
    <Box sx={{ height: Math.min(520, 96 + devices.length * 44) }} data-testid="rollout-devices">
      <DataGrid
        rows={devices}
        columns={columns}
        density="compact"
        rowHeight={44}
        disableRowSelectionOnClick
        onRowClick={({ row }: { row: RolloutDeviceView }) => navigate(deviceHref(row.id))}
        pageSizeOptions={[25, 50, 100]}
        initialState={{ pagination: { paginationModel: { pageSize: 100, page: 0 } }, sorting: { sortModel: [{ field: 'stage', sort: 'asc' }] } }}
        sx={gridSx(true)}
      />
    </Box>
  );
}

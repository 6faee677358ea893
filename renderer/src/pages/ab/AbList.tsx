import { Box } from '@mui/material';
import { DataGrid, type GridColDef } from '@mui/x-data-grid';
import type { AbAssignment } from '../../../../electron/core/api/types.js';
import { gridSx } from '../../components/grid-style.js';
import { formatAgo, formatTime } from '../../format/format.js';
import { href, navigate } from '../../router/hash-route.js';
import { AbStateChip } from './ab-look.js';

const columns: GridColDef<AbAssignment>[] = [
  {
    field: 'variants',
    headerName: 'Variants',
    flex: 1.5,
    minWidth: 240,
    valueGetter: (_v, row) => row.variants.map((v) => `${v.name}: ${v.modelName} v${v.modelVersion} (${v.percent} %)`).join(' · '),
  },
  { field: 'selector', headerName: 'Targets', flex: 1, minWidth: 140, cellClassName: 'mono' },
  { field: 'state', headerName: 'State', width: 120, renderCell: ({ row }) => <AbStateChip state={row.state} /> },
  { field: 'devices', headerName: 'Devices', width: 90, valueGetter: (_v, row) => row.variants.reduce((n, v) => n + v.deviceIds.length, 0), cellClassName: 'num' },
  { field: 'createdAt', headerName: 'Started', width: 110, renderCell: ({ row }) => <span title={formatTime(row.createdAt)}>{formatAgo(row.createdAt)}</span> },
];

/** A/B assignments, newest first; a row opens its comparison. */
export function AbList({ items, loading }: { items: AbAssignment[]; loading: boolean }) {
  return (
    <Box sx={{ height: Math.min(520, 110 + items.length * 40) }} data-testid="ab-list">
      <DataGrid
        rows={items}
        columns={columns}
        loading={loading}
        density="compact"
        rowHeight={40}
        disableRowSelectionOnClick
        getRowClassName={() => 'ab-row'}
        onRowClick={({ row }: { row: AbAssignment }) => navigate(href('rollouts', ['ab', row.id]))}
        initialState={{ sorting: { sortModel: [{ field: 'createdAt', sort: 'desc' }] } }}
        pageSizeOptions={[25, 50, 100]}
        sx={gridSx(true)}
      />
    </Box>
  );
}

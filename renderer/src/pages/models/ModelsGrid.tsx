import { Tooltip } from '@mui/material';
import { DataGrid, type GridColDef } from '@mui/x-data-grid';
import type { ModelSummary } from '../../../../electron/core/api/types.js';
import { gridSx } from '../../components/grid-style.js';
import { formatBytes, formatTime, shortSha } from '../../format/format.js';
import { href, navigate } from '../../router/hash-route.js';
import { monoFont } from '../../theme.js';

const columns: GridColDef<ModelSummary>[] = [
  { field: 'name', headerName: 'Name', flex: 1, minWidth: 160 },
  { field: 'version', headerName: 'Version', width: 80, type: 'number', valueFormatter: (v: number) => `v${v}` },
  { field: 'sizeBytes', headerName: 'Size', width: 100, type: 'number', valueFormatter: (v: number) => formatBytes(v), cellClassName: 'num' },
  {
    field: 'sha256',
    headerName: 'SHA-256',
    width: 130,
    renderCell: ({ row }) => (
      <Tooltip title={row.sha256}>
        <span style={{ fontFamily: monoFont }}>{shortSha(row.sha256)}</span>
      </Tooltip>
    ),
  },
  { field: 'summary', headerName: 'Summary', flex: 1.5, minWidth: 220 },
  { field: 'createdAt', headerName: 'Imported', width: 160, valueFormatter: (v: string) => formatTime(v), cellClassName: 'num' },
  { field: 'profileCount', headerName: 'Profiles', width: 90, type: 'number' },
];

/** The registry as a grid; a row opens the model's page. */
export function ModelsGrid({ rows, loading }: { rows: ModelSummary[]; loading: boolean }) {
  return (
    <DataGrid
      rows={rows}
      columns={columns}
      loading={loading}
      density="compact"
      disableRowSelectionOnClick
      onRowClick={({ row }) => navigate(href('models', [row.id]))}
      initialState={{ sorting: { sortModel: [{ field: 'createdAt', sort: 'desc' }] } }}
      sx={gridSx(true)}
    />
  );
}

import { Box, Button, Chip, Typography } from '@mui/material';
import { DataGrid, type GridColDef, type GridRowSelectionModel } from '@mui/x-data-grid';
import { memo, useMemo } from 'react';
import type { DeviceSummary } from '../../../../electron/core/api/types.js';
import { gridSx } from '../../components/grid-style.js';
import { formatAgo, formatTime } from '../../format/format.js';
import { deviceHref, navigate } from '../../router/hash-route.js';
import { DeviceStateChip, HealthChip, stateLabel, transportLabel } from './device-look.js';

const slotLabel: Record<NonNullable<DeviceSummary['slotState']>, string> = { confirmed: 'Confirmed', trial: 'Trial', empty: 'Empty' };

/** Up to three small chips and "+n"; plain elements, no hooks, so 10,000 rows stay cheap. */
function Labels({ tags, groups }: { tags: string[]; groups: string[] }) {
  const all = [...groups.map((g) => ({ k: `g:${g}`, label: g, group: true })), ...tags.map((t) => ({ k: `t:${t}`, label: t, group: false }))];
  if (all.length === 0) return <Typography component="span" variant="body2" color="text.disabled">—</Typography>;
  const shown = all.slice(0, 3);
  return (
    <Box sx={{ display: 'flex', gap: 0.5, alignItems: 'center', overflow: 'hidden', height: '100%' }} title={all.map((a) => (a.group ? `group ${a.label}` : a.label)).join(', ')}>
      {shown.map((a) => (
        <Chip key={a.k} label={a.label} variant={a.group ? 'filled' : 'outlined'} sx={{ height: 20, fontSize: 11 }} />
      ))}
      {all.length > shown.length && (
        <Typography component="span" variant="caption" color="text.secondary">
          +{all.length - shown.length}
        </Typography>
      )}
    </Box>
  );
}

function buildColumns(onPair: (d: DeviceSummary) => void): GridColDef<DeviceSummary>[] {
  return [
    { field: 'name', headerName: 'Device', flex: 1, minWidth: 150 },
    {
      field: 'state',
      headerName: 'Status',
      width: 106,
      valueFormatter: (v: DeviceSummary['state']) => stateLabel(v),
      renderCell: ({ row }) => <DeviceStateChip state={row.state} />,
    },
    {
      field: 'pair',
      headerName: '',
      width: 72,
      sortable: false,
      filterable: false,
      disableColumnMenu: true,
      renderCell: ({ row }) =>
        row.paired ? null : (
          <Button
            size="small"
            variant="outlined"
            title="Pair this agent with the code it shows"
            data-testid="pair-open"
            onClick={(e) => {
              e.stopPropagation();
              onPair(row);
            }}
            sx={{ py: 0, px: 1, minWidth: 0 }}
          >
            Pair
          </Button>
        ),
    },
    { field: 'transport', headerName: 'Transport', width: 94, valueFormatter: (v: DeviceSummary['transport']) => transportLabel[v] ?? v },
    { field: 'address', headerName: 'Address', width: 150, cellClassName: 'mono' },
    {
      field: 'activeModel',
      headerName: 'Active model',
      flex: 1,
      minWidth: 150,
      valueGetter: (_v, row) => (row.activeModel ? `${row.activeModel.name} ${row.activeModel.version}` : ''),
      renderCell: ({ row }) =>
        row.activeModel ? (
          <span>
            {row.activeModel.name}{' '}
            <Typography component="span" variant="caption" color="text.secondary">
              {row.activeModel.version}
            </Typography>
          </span>
        ) : (
          <Typography component="span" variant="body2" color="text.disabled">
            none
          </Typography>
        ),
    },
    {
      field: 'slotState',
      headerName: 'Slot',
      width: 98,
      renderCell: ({ row }) =>
        row.slotState === 'trial' ? (
          <Chip label="Trial" color="warning" variant="outlined" />
        ) : row.slotState ? (
          <span>{slotLabel[row.slotState]}</span>
        ) : (
          <Typography component="span" variant="body2" color="text.disabled">—</Typography>
        ),
    },
    { field: 'health', headerName: 'Health', width: 96, renderCell: ({ row }) => <HealthChip health={row.health} /> },
    {
      field: 'lastSeen',
      headerName: 'Last seen',
      width: 88,
      renderCell: ({ row }) => <span title={formatTime(row.lastSeen)}>{formatAgo(row.lastSeen)}</span>,
    },
    {
      field: 'labels',
      headerName: 'Groups / tags',
      flex: 1,
      minWidth: 150,
      sortable: false,
      valueGetter: (_v, row) => [...row.groups, ...row.tags].join(' '),
      renderCell: ({ row }) => <Labels tags={row.tags} groups={row.groups} />,
    },
  ];
}

interface Props {
  rows: DeviceSummary[];
  loading: boolean;
  selection: GridRowSelectionModel;
  onSelectionChange: (m: GridRowSelectionModel) => void;
  /** Must be stable (useCallback): the columns are built once from it. */
  onPair: (d: DeviceSummary) => void;
}

/** The fleet in a virtualized grid with checkbox selection (for Deploy); a row opens its device page. */
export const DevicesGrid = memo(function DevicesGrid({ rows, loading, selection, onSelectionChange, onPair }: Props) {
  const columns = useMemo(() => buildColumns(onPair), [onPair]);
  return (
    <DataGrid
      rows={rows}
      columns={columns}
      loading={loading}
      density="compact"
      checkboxSelection
      disableRowSelectionOnClick
      rowSelectionModel={selection}
      onRowSelectionModelChange={onSelectionChange}
      onRowClick={({ row }: { row: DeviceSummary }) => navigate(deviceHref(row.id))}
      // The MIT grid pages at most 100 rows; each page is virtualized, sorting and filtering cover all rows.
      pageSizeOptions={[25, 50, 100]}
      initialState={{ pagination: { paginationModel: { pageSize: 100, page: 0 } }, sorting: { sortModel: [{ field: 'name', sort: 'asc' }] } }}
      sx={gridSx(true)}
    />
  );
});

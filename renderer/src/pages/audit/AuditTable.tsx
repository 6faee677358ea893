import { Chip, Typography } from '@mui/material';
import { DataGrid, type GridColDef } from '@mui/x-data-grid';
import type { AuditEntry } from '../../../../electron/core/api/types.js';
import { gridSx } from '../../components/grid-style.js';
import { formatTime } from '../../format/format.js';

const outcomeLook: Record<AuditEntry['outcome'], { label: string; color: 'success' | 'error' | 'warning' | 'info' }> = {
  succeeded: { label: 'Succeeded', color: 'success' },
  failed: { label: 'Failed', color: 'error' },
  refused: { label: 'Refused', color: 'warning' },
  started: { label: 'Started', color: 'info' },
};

export function OutcomeChip({ outcome }: { outcome: AuditEntry['outcome'] }) {
  const look = outcomeLook[outcome] ?? { label: outcome, color: 'info' as const };
  return <Chip label={look.label} color={look.color} variant="outlined" data-testid="audit-outcome" data-outcome={outcome} />;
}

/** Parameters as one line of compact JSON; the full text shows on hover. */
const paramsText = (p: unknown) => (p === null || p === undefined ? '' : JSON.stringify(p));

const columns: GridColDef<AuditEntry>[] = [
  { field: 'seq', headerName: '#', width: 60, cellClassName: 'num' },
  { field: 'at', headerName: 'Time', width: 160, renderCell: ({ row }) => <span title={row.at}>{formatTime(row.at)}</span> },
  { field: 'actor', headerName: 'Who', width: 150 },
  { field: 'action', headerName: 'Operation', width: 210, cellClassName: 'mono' },
  { field: 'target', headerName: 'Target', flex: 1, minWidth: 150, renderCell: ({ row }) => <span title={row.target}>{row.target || '—'}</span> },
  {
    field: 'params',
    headerName: 'Parameters',
    flex: 1,
    minWidth: 150,
    sortable: false,
    valueGetter: (_v, row) => paramsText(row.params),
    renderCell: ({ value }) => (
      <Typography component="span" variant="body2" className="mono" title={String(value)} sx={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>
        {String(value)}
      </Typography>
    ),
  },
  { field: 'outcome', headerName: 'Outcome', width: 110, renderCell: ({ row }) => <OutcomeChip outcome={row.outcome} /> },
  { field: 'detail', headerName: 'Detail', flex: 1, minWidth: 150, renderCell: ({ row }) => <span title={row.detail ?? ''}>{row.detail ?? ''}</span> },
];

/** The audit entries, newest first. */
export function AuditTable({ entries, loading }: { entries: AuditEntry[]; loading: boolean }) {
  return (
    <DataGrid
      rows={entries}
      columns={columns}
      getRowId={(r) => r.seq}
      loading={loading}
      density="compact"
      disableRowSelectionOnClick
      pageSizeOptions={[25, 50, 100]}
      initialState={{ pagination: { paginationModel: { pageSize: 100, page: 0 } } }}
      getRowClassName={() => 'audit-row'}
      sx={gridSx(false)}
    />
  );
}

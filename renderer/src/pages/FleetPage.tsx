import DeveloperBoardIcon from '@mui/icons-material/DeveloperBoard';
import { Box, Card, Chip } from '@mui/material';
import { DataGrid, type GridColDef } from '@mui/x-data-grid';
import { useMemo } from 'react';
import type { DeviceSummary } from '../../../electron/core/api/types.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorCard } from '../components/ErrorCard.js';
import { Page } from '../components/Page.js';
import { gridSx } from '../components/grid-style.js';
import { formatAgo, formatTime } from '../format/format.js';
import { useRequest } from '../store/useRequest.js';

const stateColor = (state: string): 'success' | 'warning' | 'error' | 'default' => {
  const s = state.toLowerCase();
  if (s === 'online' || s === 'healthy' || s === 'ready') return 'success';
  if (s === 'degraded' || s === 'updating' || s === 'pairing') return 'warning';
  if (s === 'offline' || s === 'error' || s === 'failed') return 'error';
  return 'default';
};

const transportLabel: Record<DeviceSummary['transport'], string> = { lan: 'LAN', serial: 'Serial', ssh: 'SSH' };

const columns: GridColDef<DeviceSummary>[] = [
  { field: 'name', headerName: 'Device', flex: 1, minWidth: 160 },
  {
    field: 'state',
    headerName: 'Status',
    width: 120,
    renderCell: ({ row }) => <Chip label={row.state} color={stateColor(row.state)} variant="outlined" />,
  },
  { field: 'transport', headerName: 'Transport', width: 100, valueFormatter: (v: DeviceSummary['transport']) => transportLabel[v] ?? v },
  { field: 'address', headerName: 'Address', width: 180, cellClassName: 'num' },
  { field: 'activeModel', headerName: 'Active model', flex: 1, minWidth: 160, valueFormatter: (v: string | null) => v ?? '—' },
  {
    field: 'lastSeen',
    headerName: 'Last seen',
    width: 140,
    renderCell: ({ row }) => <span title={formatTime(row.lastSeen)}>{formatAgo(row.lastSeen)}</span>,
  },
];

/** The devices EdgeFleet knows, in a virtualized grid. */
export function FleetPage() {
  const devices = useRequest('devices.list', {});
  const rows = useMemo(() => devices.data ?? [], [devices.data]);
  return (
    <Page testId="page-fleet" title="Fleet" subtitle="Edge devices, their status and the model each one runs.">
      {devices.error && <ErrorCard error={devices.error} onRetry={devices.reload} />}
      {!devices.error && !devices.loading && rows.length === 0 && (
        <EmptyState icon={<DeveloperBoardIcon />} title="No devices yet" testId="fleet-empty">
          Devices appear here once the EdgeFleet device agent runs on them. The agent is found automatically on the local
          network (mDNS), over a USB serial cable, or added by address over SSH. Until it ships, you can import models and
          profile them on this workstation from the <a href="#/models" style={{ color: 'inherit' }}>Models</a> page.
        </EmptyState>
      )}
      {(devices.loading || rows.length > 0) && (
        <Card>
          <Box sx={{ height: 'calc(100vh - 220px)', minHeight: 320 }} data-testid="device-grid">
            <DataGrid
              rows={rows}
              columns={columns}
              loading={devices.loading && rows.length === 0}
              density="compact"
              disableRowSelectionOnClick
              sx={gridSx()}
            />
          </Box>
        </Card>
      )}
    </Page>
  );
}

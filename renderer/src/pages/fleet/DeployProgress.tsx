import { Box, LinearProgress, Typography } from '@mui/material';
import { DataGrid, type GridColDef } from '@mui/x-data-grid';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { DeployDeviceProgress, DeployResult, Job } from '../../../../electron/core/api/types.js';
import { ErrorCard } from '../../components/ErrorCard.js';
import { JobProgress } from '../../components/JobProgress.js';
import { gridSx } from '../../components/grid-style.js';
import { formatBytes } from '../../format/format.js';
import { deviceHref } from '../../router/hash-route.js';
import { DeployPhaseChip, formatEta } from './device-look.js';

type Row = DeployDeviceProgress & { id: string };

const columns: GridColDef<Row>[] = [
  {
    field: 'name',
    headerName: 'Device',
    flex: 1,
    minWidth: 150,
    renderCell: ({ row }) => (
      <Box component="a" href={deviceHref(row.deviceId)} sx={{ color: 'inherit' }}>
        {row.name}
      </Box>
    ),
  },
  { field: 'phase', headerName: 'Phase', width: 124, renderCell: ({ row }) => <DeployPhaseChip phase={row.phase} /> },
  {
    field: 'bytes',
    headerName: 'Transfer',
    flex: 1,
    minWidth: 190,
    sortable: false,
    renderCell: ({ row }) => {
      const pct = row.totalBytes > 0 ? Math.min(100, (row.bytes / row.totalBytes) * 100) : 0;
      return (
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, height: '100%' }}>
          <LinearProgress
            variant="determinate"
            value={pct}
            color={row.phase === 'failed' ? 'error' : pct >= 100 ? 'success' : 'primary'}
            sx={{ flex: 1, height: 6, borderRadius: 3 }}
          />
          <Typography variant="caption" color="text.secondary" sx={{ minWidth: 92, textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}>
            {formatBytes(row.bytes)} / {row.totalBytes > 0 ? formatBytes(row.totalBytes) : '?'}
          </Typography>
        </Box>
      );
    },
  },
  {
    field: 'rateBps',
    headerName: 'Rate',
    width: 96,
    type: 'number',
    cellClassName: 'num',
    valueFormatter: (v: number | null) => (v === null ? '–' : `${formatBytes(v)}/s`),
  },
  { field: 'etaSec', headerName: 'ETA', width: 90, type: 'number', cellClassName: 'num', valueFormatter: (v: number | null) => formatEta(v) },
  {
    field: 'error',
    headerName: 'Error',
    flex: 1,
    minWidth: 160,
    valueGetter: (_v, row) => row.error?.title ?? '',
    renderCell: ({ row }) =>
      row.error ? (
        <Typography component="span" variant="body2" color="error.light" title={row.error.detail} data-testid="deploy-error">
          {row.error.title}
        </Typography>
      ) : null,
  },
];

/** The per-device list of a deploy job: from `progress.devices` while it runs, from its result once done. */
export function deployDevices(job: Job): DeployDeviceProgress[] {
  if (job.progress.phase === 'deploying') return job.progress.devices;
  const result = job.result as Partial<DeployResult> | null;
  return Array.isArray(result?.devices) ? result.devices : [];
}

/**
 * The job, redrawn at most every `ms` while it runs: with thousands of devices each progress event carries
 * the whole list, and redrawing the table for every one would stall the page. Finished jobs show at once.
 */
function useThrottledJob(job: Job, ms: number): Job {
  const [shown, setShown] = useState(job);
  const last = useRef(0);
  useEffect(() => {
    const settled = job.state !== 'running' && job.state !== 'queued';
    const wait = settled || ms === 0 ? 0 : last.current + ms - Date.now();
    const show = () => {
      last.current = Date.now();
      setShown(job);
    };
    if (wait <= 0) {
      show();
      return;
    }
    const timer = setTimeout(show, wait);
    return () => clearTimeout(timer);
  }, [job, ms]);
  return shown.id === job.id ? shown : job;
}

/** A deploy job: its overall bar, then a (virtualized) table with one row per device. */
export function DeployProgress({ job: live, onCancel }: { job: Job; onCancel?: () => void }) {
  const job = useThrottledJob(live, deployDevices(live).length > 200 ? 1500 : 0);
  const devices = deployDevices(job);
  const rows = useMemo<Row[]>(() => devices.map((d) => ({ ...d, id: d.deviceId })), [devices]);
  const failed = devices.filter((d) => d.phase === 'failed' || d.phase === 'reverted').length;
  return (
    <Box data-testid="deploy-progress" data-state={job.state} sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}>
      <JobProgress job={job} onCancel={onCancel} testId="deploy-job" showError={false} />
      {job.state === 'failed' && job.error && <ErrorCard error={job.error} />}
      {failed > 0 && job.state !== 'running' && (
        <Typography variant="body2" color="warning.main">
          {failed} of {devices.length} device{devices.length === 1 ? '' : 's'} did not take the model; their error is in the last column.
        </Typography>
      )}
      {rows.length > 0 && (
        <Box sx={{ height: Math.min(420, 44 + rows.length * 36 + (rows.length > 100 ? 52 : 0)), minHeight: 130 }}>
          <DataGrid
            rows={rows}
            columns={columns}
            density="compact"
            disableRowSelectionOnClick
            hideFooter={rows.length <= 100}
            pageSizeOptions={[100]}
            sx={gridSx()}
          />
        </Box>
      )}
    </Box>
  );
}

import SpeedIcon from '@mui/icons-material/Speed';
import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, Link, TextField, Typography } from '@mui/material';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { DeviceDetail } from '../../../../electron/core/api/types.js';
import { ErrorCard } from '../../components/ErrorCard.js';
import { isActiveJob, JobProgress } from '../../components/JobProgress.js';
import { ProfilesTable } from '../../components/ProfilesTable.js';
import { SectionCard } from '../../components/SectionCard.js';
import { SelectField } from '../../components/SelectField.js';
import { href, navigate } from '../../router/hash-route.js';
import { useApi } from '../../store/useApi.js';
import { useJobRunner } from '../../store/useJobRunner.js';
import { useRequest } from '../../store/useRequest.js';

const activeModel = '__active__';

function ProfileDialog({ open, onClose, onRun, device }: { open: boolean; onClose: () => void; onRun: (modelId: string | undefined, runs: number) => void; device: DeviceDetail }) {
  const models = useRequest('models.list', open ? {} : null);
  const [modelId, setModelId] = useState(activeModel);
  const [runs, setRuns] = useState('100');
  const n = Number(runs);
  const runsValid = Number.isInteger(n) && n >= 1 && n <= 10_000;
  const options = useMemo(
    () => [
      { value: activeModel, label: device.activeModel ? `Active model (${device.activeModel.name} ${device.activeModel.version})` : 'Active model' },
      ...(models.data ?? []).map((m) => ({ value: m.id, label: `${m.name} v${m.version}` })),
    ],
    [models.data, device.activeModel],
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!runsValid) return;
    onRun(modelId === activeModel ? undefined : modelId, n);
  };
  return (
    <Dialog open={open} onClose={onClose} maxWidth="xs" fullWidth data-testid="device-profile-dialog">
      <Box component="form" onSubmit={submit}>
        <DialogTitle>Profile on {device.name}</DialogTitle>
        <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
          <Typography variant="body2" color="text.secondary">
            The agent runs the model on the device itself and sends back a per-layer profile. Serving continues, but latency
            during the run is not representative.
          </Typography>
          {models.error && <ErrorCard error={models.error} />}
          <SelectField label="Model" value={modelId} onChange={setModelId} options={options} testId="device-profile-model" minWidth={0} />
          <TextField
            label="Runs"
            value={runs}
            onChange={(e) => setRuns(e.target.value)}
            error={!runsValid}
            helperText={runsValid ? ' ' : 'A whole number from 1 to 10,000'}
            slotProps={{ htmlInput: { inputMode: 'numeric', 'data-testid': 'device-profile-runs' } }}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" startIcon={<SpeedIcon />} disabled={!runsValid} data-testid="device-profile-submit">
            Profile
          </Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}

/** Profiles measured on this device, and a button to measure another there (a `devices.profile` job). */
export function DeviceProfiles({ device, onChanged }: { device: DeviceDetail; onChanged: () => void }) {
  const client = useApi();
  const runner = useJobRunner();
  const [open, setOpen] = useState(false);
  const job = runner.job;
  const running = job ? isActiveJob(job) : false;
  const reloadedFor = useRef<string | null>(null);
  const canProfile = device.paired && device.state !== 'offline' && device.state !== 'discovered';

  // A finished run adds a profile: refetch the device once per job.
  useEffect(() => {
    if (!job || job.state !== 'succeeded' || reloadedFor.current === job.id) return;
    reloadedFor.current = job.id;
    onChanged();
  }, [job, onChanged]);

  const profileId = (job?.result as { profileId?: string } | null)?.profileId;

  return (
    <SectionCard
      title="Profiles on this device"
      subtitle="Measured by the agent on the device's own hardware. Click one to open it on the Profiling page."
      testId="device-profiles"
      actions={
        <Button
          size="small"
          variant="outlined"
          startIcon={<SpeedIcon />}
          onClick={() => setOpen(true)}
          disabled={!canProfile || running || runner.starting}
          data-testid="device-profile-open"
        >
          Profile on device
        </Button>
      }
    >
      {runner.error && (
        <Box sx={{ mb: 1.5 }}>
          <ErrorCard error={runner.error} />
        </Box>
      )}
      {job && (
        <Box sx={{ mb: 1.5 }}>
          <JobProgress job={job} onCancel={runner.cancel} testId="device-profile-progress" />
          {job.state === 'succeeded' && profileId && (
            <Alert severity="success" sx={{ mt: 1 }}>
              Profile stored.{' '}
              <Link href={href('profiling', [], { profile: profileId })} color="inherit" data-testid="device-profile-link">
                Open it on the Profiling page
              </Link>
            </Alert>
          )}
        </Box>
      )}
      <ProfilesTable profiles={device.profiles} onOpen={(p) => navigate(href('profiling', [], { profile: p.id }))} />
      {!canProfile && device.profiles.length === 0 && (
        <Typography variant="caption" color="text.secondary">
          Profiling needs the device paired and online.
        </Typography>
      )}
      <ProfileDialog
        open={open}
        device={device}
        onClose={() => setOpen(false)}
        onRun={(modelId, runs) => {
          setOpen(false);
          void runner.start(() => client.invoke('devices.profile', { id: device.id, runs, ...(modelId ? { modelId } : {}) }));
        }}
      />
    </SectionCard>
  );
}

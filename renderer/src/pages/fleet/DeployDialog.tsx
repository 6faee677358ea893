import RocketLaunchIcon from '@mui/icons-material/RocketLaunch';
import {
  Alert,
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  Switch,
  TextField,
  Typography,
} from '@mui/material';
import { useMemo, useState, type FormEvent } from 'react';
import { ErrorCard } from '../../components/ErrorCard.js';
import { isActiveJob } from '../../components/JobProgress.js';
import { SelectField } from '../../components/SelectField.js';
import { href } from '../../router/hash-route.js';
import { useApi } from '../../store/useApi.js';
import type { JobRunner } from '../../store/useJobRunner.js';
import { useRequest } from '../../store/useRequest.js';
import { FitWarnings } from '../device/FitWarnings.js';
import { DeployProgress } from './DeployProgress.js';

interface Props {
  open: boolean;
  onClose: () => void;
  deviceIds: string[];
  /** "3 devices" or the device's name, for the title. */
  targetLabel: string;
  /** Owned by the page, so the progress stays visible after the dialog closes. */
  runner: JobRunner;
}

/** Choose a registry model and how to roll it out, start `devices.deploy`, then follow it per device. */
export function DeployDialog({ open, onClose, deviceIds, targetLabel, runner }: Props) {
  const client = useApi();
  const models = useRequest('models.list', open ? {} : null);
  const [modelId, setModelId] = useState('');
  const [activate, setActivate] = useState(true);
  const [confirm, setConfirm] = useState(false);
  const [maxLatency, setMaxLatency] = useState('');
  const [started, setStarted] = useState(false);
  const options = useMemo(
    () => (models.data ?? []).map((m) => ({ value: m.id, label: `${m.name} v${m.version}${m.tags.length ? ` · ${m.tags.join(', ')}` : ''}` })),
    [models.data],
  );
  const latency = maxLatency.trim() === '' ? undefined : Number(maxLatency);
  const latencyValid = latency === undefined || (Number.isFinite(latency) && latency > 0 && latency <= 600_000);
  const job = started ? runner.job : undefined;
  const running = job ? isActiveJob(job) : false;
  // Warnings only: the chosen model against the boards of the targets (variant-fit.ts).
  const fit = useRequest('devices.checkFit', open && modelId && !job && deviceIds.length > 0 ? { modelId, deviceIds } : null);
  const fitCheck = fit.data?.modelId === modelId ? fit.data : undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!modelId || !latencyValid || deviceIds.length === 0) return;
    runner.reset();
    const j = await runner.start(() =>
      client.invoke('devices.deploy', { modelId, deviceIds, activate, confirm: activate && confirm, ...(latency !== undefined ? { maxLatencyMs: latency } : {}) }),
    );
    if (j) setStarted(true);
  };

  const close = () => {
    setStarted(false);
    onClose();
  };

  // Only once the list has arrived: while the dialog closes the request is off and there is no list at all.
  const noModels = models.data !== undefined && options.length === 0;

  return (
    <Dialog open={open} onClose={close} fullWidth maxWidth={job ? 'lg' : 'sm'} data-testid="deploy-dialog">
      <Box component="form" onSubmit={(e) => void submit(e)}>
        <DialogTitle>Deploy to {targetLabel}</DialogTitle>
        <DialogContent>
          {!job && (
            <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2, pt: 1 }}>
              {models.error && <ErrorCard error={models.error} onRetry={models.reload} />}
              {noModels ? (
                <Alert severity="info">
                  The registry has no model yet. <a href={href('models')} style={{ color: 'inherit' }}>Import one on the Models page</a>, then deploy it here.
                </Alert>
              ) : (
                <SelectField
                  label="Model"
                  value={modelId}
                  onChange={setModelId}
                  options={options}
                  testId="deploy-model"
                  placeholder={models.loading ? 'Loading models…' : 'Choose a registry model…'}
                  minWidth={0}
                />
              )}
              {fitCheck && (
                <FitWarnings
                  warnings={fitCheck.warnings}
                  caption={`${fitCheck.model} is ${fitCheck.precision.label}. On ${deviceIds.length === 1 ? 'this board' : 'these boards'}:`}
                  testId="deploy-fit"
                />
              )}
              {fitCheck && fitCheck.unreported.length > 0 && deviceIds.length > 1 && (
                <Typography variant="caption" color="text.secondary" data-testid="deploy-fit-unreported">
                  {fitCheck.unreported.length} of {deviceIds.length} devices do not report their board: the model was not checked against them.
                </Typography>
              )}
              <Box>
                <FormControlLabel
                  control={<Switch checked={activate} onChange={(e) => setActivate(e.target.checked)} slotProps={{ input: { 'data-testid': 'deploy-activate' } as object }} />}
                  label="Activate after upload"
                />
                <Typography variant="caption" color="text.secondary" component="div" sx={{ ml: 6, mt: -0.5 }}>
                  Switches the device to the new slot on trial; the previous model stays in the other slot for rollback.
                </Typography>
              </Box>
              <Box>
                <FormControlLabel
                  disabled={!activate}
                  control={<Switch checked={activate && confirm} onChange={(e) => setConfirm(e.target.checked)} slotProps={{ input: { 'data-testid': 'deploy-confirm' } as object }} />}
                  label="Confirm automatically when healthy"
                />
                <Typography variant="caption" color="text.secondary" component="div" sx={{ ml: 6, mt: -0.5 }}>
                  Off: devices stay on trial until you confirm them; the agent reverts on its own if it crashes or misses its health check.
                </Typography>
              </Box>
              <TextField
                label="Max latency (ms, optional)"
                value={maxLatency}
                onChange={(e) => setMaxLatency(e.target.value)}
                error={!latencyValid}
                helperText={latencyValid ? 'The health check fails a device whose p95 latency exceeds this.' : 'A positive number of milliseconds'}
                slotProps={{ htmlInput: { inputMode: 'decimal', 'data-testid': 'deploy-max-latency' } }}
                sx={{ maxWidth: 260 }}
              />
              {runner.error && <ErrorCard error={runner.error} />}
            </Box>
          )}
          {job && <DeployProgress job={job} onCancel={runner.cancel} />}
        </DialogContent>
        <DialogActions>
          {job ? (
            <Button onClick={close} variant={running ? 'text' : 'contained'} data-testid="deploy-close">
              {running ? 'Hide (keeps running)' : 'Close'}
            </Button>
          ) : (
            <>
              <Button onClick={close}>Cancel</Button>
              <Button
                type="submit"
                variant="contained"
                startIcon={<RocketLaunchIcon />}
                disabled={!modelId || !latencyValid || deviceIds.length === 0 || runner.starting}
                data-testid="deploy-submit"
              >
                {runner.starting ? 'Starting…' : `Deploy to ${deviceIds.length} device${deviceIds.length === 1 ? '' : 's'}`}
              </Button>
            </>
          )}
        </DialogActions>
      </Box>
    </Dialog>
  );
}

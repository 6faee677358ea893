import {
  Box,
  Button,
  Checkbox,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  Radio,
  RadioGroup,
  Step,
  StepLabel,
  Stepper,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { Input } from '../../../../electron/core/api/contract.js';
import type { ErrorData, RolloutGate, RolloutGateInfo } from '../../../../electron/core/api/types.js';
import { toErrorData } from '../../api/api-error.js';
import { ErrorCard } from '../../components/ErrorCard.js';
import { SelectField } from '../../components/SelectField.js';
import { useApi } from '../../store/useApi.js';
import { useRequest } from '../../store/useRequest.js';
import { gateKey, gateLabel } from '../../../../electron/core/api/gate-key.js';
import { MetricGateAdder } from './MetricGateAdder.js';
import { formatGateValue } from './rollout-look.js';
import { SelectorField } from './SelectorField.js';
import { parsePercents } from './stage-input.js';

const steps = ['Model', 'Targets', 'Stages', 'Gates', 'Rollback'];

/** The gate's limit as a person types it: percentages for fractions. */
const shownMax = (g: RolloutGate, unit: RolloutGateInfo['unit'] | undefined) => (unit === 'fraction' ? +(g.max * 100).toFixed(4) : g.max);
const storedMax = (v: number, unit: RolloutGateInfo['unit'] | undefined) => (unit === 'fraction' ? v / 100 : v);

/** New rollout in five steps; the device count and stage sizes preview live as the selector is typed. */
export function RolloutWizard({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (id: string) => void }) {
  const client = useApi();
  const models = useRequest('models.list', open ? {} : null);
  const gateInfo = useRequest('rollouts.gates', open ? {} : null);
  const [step, setStep] = useState(0);
  const [modelId, setModelId] = useState('');
  const [selector, setSelector] = useState('all');
  const [mode, setMode] = useState<'percentages' | 'rate'>('percentages');
  const [percents, setPercents] = useState('5, 25, 100');
  const [rate, setRate] = useState({ base: 2, factor: 2, ceiling: 50 });
  const [concurrency, setConcurrency] = useState(4);
  const [gates, setGates] = useState<RolloutGate[] | null>(null);
  const [policy, setPolicy] = useState<'rollback' | 'halt'>('rollback');
  const [soakSec, setSoakSec] = useState(600);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);

  const info = useMemo(() => new Map((gateInfo.data ?? []).map((g) => [g.kind, g])), [gateInfo.data]);
  useEffect(() => {
    if (gateInfo.data && gates === null) setGates(gateInfo.data.filter((g) => !g.named && !g.optIn).map((g) => ({ kind: g.kind, ...g.defaults })));
  }, [gateInfo.data, gates]);

  const parsed = parsePercents(percents);
  const stagesInput = mode === 'percentages' ? (typeof parsed === 'string' ? null : { stages: parsed }) : { rate };
  const planInput = useDeferredValue(stagesInput && selector.trim() ? { selector: selector.trim(), ...stagesInput, concurrency } : null);
  const preview = useRequest('rollouts.preview', open ? planInput : null);

  const canNext = [modelId !== '', !!preview.data && preview.data.deviceCount > 0 && !preview.error, stagesInput !== null && !preview.error, gates !== null, true][step];

  const create = async () => {
    if (!stagesInput || !gates) return;
    setBusy(true);
    setError(null);
    try {
      const input: Input<'rollouts.create'> = { modelId, selector: selector.trim(), ...stagesInput, concurrency, gates, policy, soakMs: soakSec * 1000, start: true };
      const created = await client.invoke('rollouts.create', input);
      onCreated(created.id);
    } catch (err) {
      setError(toErrorData(err));
    } finally {
      setBusy(false);
    }
  };

  const modelOptions = (models.data ?? []).map((m) => ({ value: m.id, label: `${m.name} v${m.version}` }));

  return (
    <Dialog open={open} onClose={() => !busy && onClose()} maxWidth="md" fullWidth data-testid="rollout-wizard">
      <DialogTitle>New rollout</DialogTitle>
      <DialogContent sx={{ minHeight: 420 }}>
        <Stepper activeStep={step} sx={{ mb: 3, mt: 1 }}>
          {steps.map((s) => (
            <Step key={s}>
              <StepLabel>{s}</StepLabel>
            </Step>
          ))}
        </Stepper>
        {step === 0 && (
          <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
            <Typography variant="body2" color="text.secondary">
              The model version to deliver. Each device gets it signed, activates it on trial, and confirms it only when its stage passes the gates.
            </Typography>
            <SelectField label="Model" value={modelId} onChange={setModelId} options={modelOptions} testId="wizard-model" placeholder={models.loading ? 'Loading models…' : 'Choose a model'} minWidth={360} />
          </Box>
        )}
        {step === 1 && (
          <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
            <Typography variant="body2" color="text.secondary">
              Which devices: <code>all</code>, <code>tag:T</code>, <code>group:G</code> or <code>device:ID</code>, joined by commas. The list is frozen when the rollout starts; devices that match later are reported, not added.
            </Typography>
            <SelectorField value={selector} onChange={setSelector} testId="wizard-selector" />
            <Box data-testid="wizard-preview" sx={{ minHeight: 48 }}>
              {preview.error ? (
                <ErrorCard error={preview.error} />
              ) : preview.data ? (
                <Typography variant="body1">
                  <strong data-testid="wizard-preview-count">{preview.data.deviceCount.toLocaleString('en-US')}</strong> device{preview.data.deviceCount === 1 ? '' : 's'} match
                  {preview.data.unpaired.length > 0 && (
                    <Typography component="span" color="warning.main">
                      {' '}
                      · {preview.data.unpaired.length} not paired (refused at the start)
                    </Typography>
                  )}
                </Typography>
              ) : (
                <Typography color="text.secondary">Counting…</Typography>
              )}
            </Box>
          </Box>
        )}
        {step === 2 && (
          <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
            <RadioGroup row value={mode} onChange={(e) => setMode(e.target.value as 'percentages' | 'rate')}>
              <FormControlLabel value="percentages" control={<Radio />} label="Stages as percentages" data-testid="wizard-mode-percentages" />
              <FormControlLabel value="rate" control={<Radio />} label="Exponential rate (as AWS IoT Jobs)" data-testid="wizard-mode-rate" />
            </RadioGroup>
            {mode === 'percentages' ? (
              <TextField
                label="Cumulative percentages"
                value={percents}
                onChange={(e) => setPercents(e.target.value)}
                error={typeof parsed === 'string'}
                helperText={typeof parsed === 'string' ? parsed : 'Each stage widens to this share of the devices; the devices chosen for 5 % stay in 25 %.'}
                slotProps={{ htmlInput: { 'data-testid': 'wizard-percents' } }}
              />
            ) : (
              <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
                <TextField type="number" label="Base rate (devices a minute)" value={rate.base} onChange={(e) => setRate({ ...rate, base: Math.max(1, Math.round(Number(e.target.value))) })} helperText="the first stage starts this many, spread over a minute" />
                <TextField type="number" label="Growth factor" value={rate.factor} onChange={(e) => setRate({ ...rate, factor: Number(e.target.value) })} helperText="each stage's rate this many times the last (1.1–5)" slotProps={{ htmlInput: { step: 0.1, min: 1.1, max: 5 } }} />
                <TextField type="number" label="Ceiling" value={rate.ceiling} onChange={(e) => setRate({ ...rate, ceiling: Math.max(1, Math.round(Number(e.target.value))) })} helperText="never more devices a minute than this" />
              </Box>
            )}
            <TextField type="number" label="Devices at once" value={concurrency} onChange={(e) => setConcurrency(Math.min(256, Math.max(1, Math.round(Number(e.target.value)))))} helperText="how many devices upload and activate at the same time" sx={{ maxWidth: 260 }} />
            {preview.data && !preview.error && (
              <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'center' }} data-testid="wizard-stage-preview">
                {preview.data.stages.map((s, i) => (
                  <Chip key={i} label={`${i + 1}: ${s.label} · ${s.deviceCount} device${s.deviceCount === 1 ? '' : 's'}`} variant="outlined" />
                ))}
                {preview.data.leftOut > 0 && <Typography color="warning.main">{preview.data.leftOut} devices left out by this plan</Typography>}
              </Box>
            )}
          </Box>
        )}
        {step === 3 && gates && (
          <Box>
            <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
              After each stage soaks, every gate is judged over the stage's devices, once at least its minimum number of devices has data. One failed gate halts the rollout. The defaults suit most models; tighten them for critical fleets.
            </Typography>
            <Table size="small">
              <TableHead>
                <TableRow>
                  <TableCell>Gate</TableCell>
                  <TableCell sx={{ width: 150 }}>Largest passing value</TableCell>
                  <TableCell sx={{ width: 130 }}>Min. devices</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {gates.map((g, i) => {
                  const gi = info.get(g.kind);
                  const set = (patch: Partial<RolloutGate>) => setGates(gates.map((x, j) => (j === i ? { ...x, ...patch } : x)));
                  return (
                    <TableRow key={gateKey(g)} data-testid="wizard-gate" data-kind={g.kind}>
                      <TableCell>
                        <Typography variant="body2" sx={{ fontWeight: 600 }}>
                          {gateLabel(g, gi?.title)}
                          {g.kind === 'metric' && (
                            <Button size="small" onClick={() => setGates(gates.filter((_, j) => j !== i))} sx={{ ml: 1 }} data-testid="wizard-metric-remove">
                              Remove
                            </Button>
                          )}
                        </Typography>
                        <Typography variant="caption" color="text.secondary" component="div">
                          {gi?.description} Default: fail above {formatGateValue(gi?.defaults.max ?? g.max, gi?.unit)}, judged from {gi?.defaults.minDevices ?? g.minDevices} device{(gi?.defaults.minDevices ?? 1) === 1 ? '' : 's'}.
                        </Typography>
                      </TableCell>
                      <TableCell>
                        <TextField
                          type="number"
                          value={shownMax(g, gi?.unit)}
                          onChange={(e) => set({ max: storedMax(Math.max(0, Number(e.target.value)), gi?.unit) })}
                          slotProps={{ input: { endAdornment: <Typography variant="caption">{gi?.unit === 'fraction' ? '%' : gi?.unit === 'ratio' ? '×' : ''}</Typography> } }}
                        />
                      </TableCell>
                      <TableCell>
                        <TextField type="number" value={g.minDevices} onChange={(e) => set({ minDevices: Math.max(1, Math.round(Number(e.target.value))) })} />
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
            {(gateInfo.data ?? [])
              .filter((g) => g.optIn)
              .map((g) => (
                <FormControlLabel
                  key={g.kind}
                  sx={{ display: 'flex', alignItems: 'flex-start', mt: 1, mx: 0, '& .MuiCheckbox-root': { pt: 0.25 } }}
                  control={
                    <Checkbox
                      checked={gates.some((x) => x.kind === g.kind)}
                      onChange={(e) => setGates(e.target.checked ? [...gates, { kind: g.kind, ...g.defaults }] : gates.filter((x) => x.kind !== g.kind))}
                      data-testid={`wizard-optin-${g.kind}`}
                    />
                  }
                  label={`${g.title}: ${g.kind === 'energy-ratio' ? 'each device measures the new model against its previous one for a minute of full load (boards with an energy counter; others are reported, not judged)' : g.description}`}
                />
              ))}
            {info.get('metric') && (
              <MetricGateAdder
                taken={gates.filter((g) => g.kind === 'metric').map((g) => g.metric ?? '')}
                onAdd={(metric) => setGates([...gates, { kind: 'metric', metric, ...info.get('metric')!.defaults }])}
              />
            )}
          </Box>
        )}
        {step === 4 && (
          <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
            <Typography variant="subtitle2">When a gate fails</Typography>
            <RadioGroup value={policy} onChange={(e) => setPolicy(e.target.value as 'rollback' | 'halt')}>
              <FormControlLabel value="rollback" control={<Radio />} data-testid="wizard-policy-rollback" label="Halt and roll back every device the rollout touched to the model it had before (recommended)" />
              <FormControlLabel value="halt" control={<Radio />} data-testid="wizard-policy-halt" label="Halt only: leave the devices as they are, so I can look at them first" />
            </RadioGroup>
            <TextField
              type="number"
              label="Soak time per stage (seconds)"
              value={soakSec}
              onChange={(e) => setSoakSec(Math.max(0, Math.round(Number(e.target.value))))}
              helperText="how long each stage runs on trial before its gates are judged"
              sx={{ maxWidth: 300 }}
              slotProps={{ htmlInput: { 'data-testid': 'wizard-soak' } }}
            />
            {preview.data && (
              <Typography variant="body2" color="text.secondary" data-testid="wizard-summary">
                {modelOptions.find((m) => m.value === modelId)?.label} to {preview.data.deviceCount} device{preview.data.deviceCount === 1 ? '' : 's'} ({selector}) in {preview.data.stages.length} stage{preview.data.stages.length === 1 ? '' : 's'}, {concurrency} at once.
              </Typography>
            )}
            {error && <ErrorCard error={error} />}
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Box sx={{ flex: 1 }} />
        <Button onClick={() => setStep((s) => s - 1)} disabled={step === 0 || busy} data-testid="wizard-back">
          Back
        </Button>
        {step < steps.length - 1 ? (
          <Button variant="contained" onClick={() => setStep((s) => s + 1)} disabled={!canNext} data-testid="wizard-next">
            Next
          </Button>
        ) : (
          <Button variant="contained" onClick={() => void create()} disabled={busy} data-testid="wizard-start">
            {busy ? 'Starting…' : 'Start rollout'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}

import { Box, Button, Checkbox, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, MenuItem, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import type { ErrorData, FlAggregation } from '../../../../electron/core/api/types.js';
import { toErrorData } from '../../api/api-error.js';
import { ErrorCard } from '../../components/ErrorCard.js';
import { SelectField } from '../../components/SelectField.js';
import { useApi } from '../../store/useApi.js';
import { useRequest } from '../../store/useRequest.js';
import { SelectionCount, useSelectionPreview } from '../rollouts/SelectionPreview.js';
import { SelectorField } from '../rollouts/SelectorField.js';

const num = (v: string) => (v.trim() === '' ? NaN : Number(v));

/** A federated round: which model and devices, how much local training, how the updates are combined. */
export function FlStartDialog({ open, onClose, onStarted }: { open: boolean; onClose: () => void; onStarted: (id: string) => void }) {
  const client = useApi();
  const models = useRequest('models.list', open ? {} : null);
  const [modelId, setModelId] = useState('');
  const [form, setForm] = useState({ minClients: '2', selectCount: '10', epochs: '2', learningRate: '0.003', deadlineSec: '600', timeBudgetSec: '60' });
  const [aggregation, setAggregation] = useState<FlAggregation>('fedavg');
  const [secure, setSecure] = useState(false);
  const [seed, setSeed] = useState('');
  const [trim, setTrim] = useState('0.1');
  const [dpOn, setDpOn] = useState(false);
  const [dpForm, setDpForm] = useState({ noiseMultiplier: '1', clipNorm: '1', delta: '0.00001', maxEpsilon: '10' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
  const { selector, setSelector, planSelector, preview } = useSelectionPreview(open);
  const options = (models.data ?? []).map((m) => ({ value: m.id, label: `${m.name} v${m.version}` }));
  const values = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, num(v)])) as Record<keyof typeof form, number>;
  const dp = Object.fromEntries(Object.entries(dpForm).map(([k, v]) => [k, num(v)])) as Record<keyof typeof dpForm, number>;
  const dpValid = !dpOn || Object.values(dp).every((v) => Number.isFinite(v) && v > 0);
  const valid = !!modelId && !!planSelector && Object.values(values).every((v) => Number.isFinite(v) && v > 0) && dpValid;
  const field = (key: keyof typeof form, label: string, helper: string) => (
    <TextField
      type="number"
      label={label}
      value={form[key]}
      onChange={(e) => setForm({ ...form, [key]: e.target.value })}
      helperText={helper}
      sx={{ width: 200 }}
      slotProps={{ htmlInput: { 'data-testid': `fl-${key}` } }}
    />
  );

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await client.invoke('fl.start', { modelId, selector: planSelector, ...values, aggregation, secure, ...(aggregation === 'fedprox' ? { proxMu: 0.01 } : {}), ...(dpOn ? { dp } : {}), ...(seed.trim() ? { seed: seed.trim() } : {}), ...(aggregation === 'trimmed-mean' ? { trimFraction: num(trim) } : {}) });
      onStarted(r.id);
    } catch (err) {
      // The server's own refusals (a quorum that cannot be met, a model that is not federated) are shown as they are.
      setError(toErrorData(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} onClose={() => !busy && onClose()} maxWidth="md" fullWidth data-testid="fl-start-dialog">
      <DialogTitle>New federated round</DialogTitle>
      <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          The devices must serve the model and hold local data (agent --fl-data). Each trains on its own windows and sends only its update; the new version is kept only when it beats the current one on the devices&apos; held-out windows, and serves nowhere until promoted.
        </Typography>
        <SelectField label="Model" value={modelId} onChange={setModelId} options={options} testId="fl-model" placeholder={models.loading ? 'Loading models…' : 'Choose the global model'} minWidth={360} />
        <SelectorField value={selector} onChange={setSelector} testId="fl-selector" />
        <SelectionCount preview={preview} testId="fl-preview" then="the round says which are eligible and why the others are not" />
        <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
          {field('minClients', 'Quorum', 'fewer devices that train: the round fails')}
          {field('selectCount', 'Participants wanted', 'up to 1.3× as many are asked')}
          {field('epochs', 'Local epochs', 'passes over each device’s windows')}
          {field('learningRate', 'Learning rate', 'Adam, on the device')}
          {field('timeBudgetSec', 'Time budget (s)', 'training stops there on each device')}
          {field('deadlineSec', 'Deadline (s)', 'devices later than this are dropped')}
          <TextField
            label="Seed (optional)"
            value={seed}
            onChange={(e) => setSeed(e.target.value)}
            helperText="the same seed picks the same devices and trains the same updates again"
            sx={{ width: 200 }}
            slotProps={{ htmlInput: { 'data-testid': 'fl-seed', maxLength: 200 } }}
          />
        </Box>
        <Box sx={{ display: 'flex', gap: 2, alignItems: 'center', flexWrap: 'wrap' }}>
          <TextField select label="Aggregation" value={aggregation} onChange={(e) => setAggregation(e.target.value as FlAggregation)} sx={{ width: 220 }} slotProps={{ htmlInput: { 'data-testid': 'fl-aggregation' } }}>
            <MenuItem value="fedavg">FedAvg (by samples)</MenuItem>
            <MenuItem value="fedprox">FedProx (μ 0.01)</MenuItem>
            <MenuItem value="trimmed-mean" disabled={secure}>
              Trimmed mean
            </MenuItem>
          </TextField>
          {aggregation === 'trimmed-mean' && (
            <TextField
              type="number"
              label="Trimmed from each side"
              value={trim}
              onChange={(e) => setTrim(e.target.value)}
              helperText={`drops ${Math.floor(num(trim) * values.minClients + 1e-9)} of ${values.minClients} values per coordinate at the quorum`}
              sx={{ width: 220 }}
              slotProps={{ htmlInput: { 'data-testid': 'fl-trim', step: 0.05, min: 0.01, max: 0.45 } }}
            />
          )}
          <FormControlLabel
            control={<Checkbox checked={secure} onChange={(e) => setSecure(e.target.checked)} disabled={aggregation === 'trimmed-mean'} data-testid="fl-secure" />}
            label="Secure aggregation (SecAgg+): the console sees only the sum of the updates"
          />
        </Box>
        <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
          <FormControlLabel
            control={<Checkbox checked={dpOn} onChange={(e) => setDpOn(e.target.checked)} disabled={aggregation === 'trimmed-mean'} data-testid="fl-dp" />}
            label={`Differential privacy: clip each update${secure ? ' on its device' : ''}, add Gaussian noise, spend privacy budget (FedAvg/FedProx)`}
          />
          {dpOn && (
            <>
              <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
                {(
                  [
                    ['noiseMultiplier', 'Noise multiplier z', 'noise z·C/n on the mean update; ≥ 1 for strong privacy'],
                    ['clipNorm', 'Clip norm C', 'each update (local − global) is cut to this length'],
                    ['delta', 'δ', 'at most 0.01; below 1 / devices'],
                    ['maxEpsilon', 'Budget ε', 'for all DP rounds of this model; over it, no round starts'],
                  ] as const
                ).map(([key, label, helper]) => (
                  <TextField
                    key={key}
                    type="number"
                    label={label}
                    value={dpForm[key]}
                    onChange={(e) => setDpForm({ ...dpForm, [key]: e.target.value })}
                    helperText={helper}
                    sx={{ width: 200 }}
                    slotProps={{ htmlInput: { 'data-testid': `fl-dp-${key}` } }}
                  />
                ))}
              </Box>
              <Typography variant="caption" color="text.secondary">
                With tens of devices the noise is large next to the average update: expect a worse model per round, or a round the evaluation rejects. Devices are weighted equally in DP rounds.
              </Typography>
            </>
          )}
        </Box>
        {error && <ErrorCard error={error} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button variant="contained" onClick={() => void start()} disabled={!valid || busy} data-testid="fl-start">
          {busy ? 'Starting…' : 'Start round'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/Delete';
import { Box, Button, Checkbox, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, IconButton, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import type { ErrorData } from '../../../../electron/core/api/types.js';
import { toErrorData } from '../../api/api-error.js';
import { ErrorCard } from '../../components/ErrorCard.js';
import { SelectField } from '../../components/SelectField.js';
import { useApi } from '../../store/useApi.js';
import { useRequest } from '../../store/useRequest.js';
import { SelectionCount, useSelectionPreview } from '../rollouts/SelectionPreview.js';
import { SelectorField } from '../rollouts/SelectorField.js';

interface Row {
  modelId: string;
  percent: number;
}

/** Two or more model versions on cohorts of a selection, by percentage. */
export function AbStartDialog({ open, onClose, onStarted }: { open: boolean; onClose: () => void; onStarted: (id: string) => void }) {
  const client = useApi();
  const models = useRequest('models.list', open ? {} : null);
  const [rows, setRows] = useState<Row[]>([
    { modelId: '', percent: 50 },
    { modelId: '', percent: 50 },
  ]);
  const [control, setControl] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
  const { selector, setSelector, planSelector, preview } = useSelectionPreview(open);
  const total = rows.reduce((s, r) => s + r.percent, 0);
  const options = (models.data ?? []).map((m) => ({ value: m.id, label: `${m.name} v${m.version}` }));
  const valid = rows.length >= 2 && rows.every((r) => r.modelId && r.percent > 0) && total <= 100 && !!planSelector;

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const a = await client.invoke('ab.start', { selector: planSelector, variants: rows, control });
      onStarted(a.id);
    } catch (err) {
      setError(toErrorData(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} onClose={() => !busy && onClose()} maxWidth="md" fullWidth data-testid="ab-start-dialog">
      <DialogTitle>New A/B comparison</DialogTitle>
      <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          Each device of the selection gets a fixed bucket from the seed and its id, so the cohorts do not change between runs. Devices beyond the percentages keep what they run.
        </Typography>
        <SelectorField value={selector} onChange={setSelector} testId="ab-selector" />
        <SelectionCount preview={preview} testId="ab-preview" />
        {rows.map((r, i) => (
          <Box key={i} sx={{ display: 'flex', gap: 1.5, alignItems: 'center' }} data-testid="ab-variant-row">
            <Typography sx={{ width: 24, fontWeight: 600 }}>{String.fromCharCode(65 + i)}</Typography>
            <SelectField label={i === 0 && control ? 'Model (control)' : 'Model'} value={r.modelId} onChange={(v) => setRows(rows.map((x, j) => (j === i ? { ...x, modelId: v } : x)))} options={options} testId={`ab-model-${i}`} minWidth={320} />
            <TextField
              type="number"
              label="Share"
              value={r.percent}
              onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, percent: Number(e.target.value) } : x)))}
              sx={{ width: 120 }}
              slotProps={{ input: { endAdornment: <Typography variant="caption">%</Typography> }, htmlInput: { 'data-testid': `ab-percent-${i}` } }}
            />
            <IconButton aria-label="Remove variant" disabled={rows.length <= 2} onClick={() => setRows(rows.filter((_, j) => j !== i))}>
              <DeleteIcon />
            </IconButton>
          </Box>
        ))}
        <Box sx={{ display: 'flex', gap: 2, alignItems: 'center', flexWrap: 'wrap' }}>
          <Button startIcon={<AddIcon />} disabled={rows.length >= 8} onClick={() => setRows([...rows, { modelId: '', percent: 10 }])}>
            Add variant
          </Button>
          <FormControlLabel control={<Checkbox checked={control} onChange={(e) => setControl(e.target.checked)} />} label="A is an equal-size control group" />
          <Typography variant="body2" color={total > 100 ? 'error.main' : 'text.secondary'}>
            {total > 100 ? `The shares add up to ${total} %: at most 100 %` : `${total} % of the selection in cohorts`}
          </Typography>
        </Box>
        {error && <ErrorCard error={error} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button variant="contained" onClick={() => void start()} disabled={!valid || busy} data-testid="ab-start">
          {busy ? 'Starting…' : 'Start comparison'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

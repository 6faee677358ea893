import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import { Box, Button, TextField } from '@mui/material';
import { useState } from 'react';
import type { ModelSummary } from '../../../../electron/core/api/types.js';
import { SelectField } from '../../components/SelectField.js';

export interface RunOptions {
  modelId: string;
  runs: number;
  warmup: number;
  threads: number;
}

interface Props {
  models: ModelSummary[];
  modelId: string;
  onModelChange: (id: string) => void;
  onRun: (opts: RunOptions) => void;
  busy: boolean;
}

const intIn = (text: string, min: number, max: number) => {
  const n = Number(text);
  return Number.isInteger(n) && n >= min && n <= max;
};

/** Model, runs, warm-up and threads, then "Run profile". */
export function RunProfileForm({ models, modelId, onModelChange, onRun, busy }: Props) {
  const [runs, setRuns] = useState('100');
  const [warmup, setWarmup] = useState('10');
  const [threads, setThreads] = useState('0');
  const runsOk = intIn(runs, 1, 100_000);
  const warmupOk = intIn(warmup, 0, 10_000);
  const threadsOk = intIn(threads, 0, 256);
  const ok = !!modelId && runsOk && warmupOk && threadsOk;

  return (
    <Box
      component="form"
      onSubmit={(e) => {
        e.preventDefault();
        if (ok) onRun({ modelId, runs: Number(runs), warmup: Number(warmup), threads: Number(threads) });
      }}
      sx={{ display: 'flex', gap: 2, flexWrap: 'wrap', alignItems: 'flex-start' }}
    >
      <SelectField
        label="Model"
        value={modelId}
        onChange={onModelChange}
        options={models.map((m) => ({ value: m.id, label: `${m.name} v${m.version}` }))}
        testId="profile-model"
        placeholder={models.length ? 'Choose a model…' : 'No models imported'}
        minWidth={280}
      />
      <TextField
        label="Runs"
        value={runs}
        onChange={(e) => setRuns(e.target.value)}
        error={!runsOk}
        helperText={runsOk ? 'measured runs' : '1 to 100000'}
        sx={{ width: 120 }}
        slotProps={{ htmlInput: { inputMode: 'numeric', 'data-testid': 'profile-runs' } }}
      />
      <TextField
        label="Warm-up"
        value={warmup}
        onChange={(e) => setWarmup(e.target.value)}
        error={!warmupOk}
        helperText={warmupOk ? 'not measured' : '0 to 10000'}
        sx={{ width: 120 }}
        slotProps={{ htmlInput: { inputMode: 'numeric', 'data-testid': 'profile-warmup' } }}
      />
      <TextField
        label="Threads"
        value={threads}
        onChange={(e) => setThreads(e.target.value)}
        error={!threadsOk}
        helperText={threadsOk ? '0 = runtime default' : '0 to 256'}
        sx={{ width: 140 }}
        slotProps={{ htmlInput: { inputMode: 'numeric', 'data-testid': 'profile-threads' } }}
      />
      <Button type="submit" variant="contained" size="large" startIcon={<PlayArrowIcon />} disabled={!ok || busy} data-testid="run-profile">
        Run profile
      </Button>
    </Box>
  );
}

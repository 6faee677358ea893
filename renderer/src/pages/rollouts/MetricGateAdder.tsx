import { Box, Button, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import { metricNamePattern } from '../../../../resources/device-protocol/metric-name.js';

/** Adds a gate on one of the application's own metrics, by the name the application reports. */
export function MetricGateAdder({ taken, onAdd }: { taken: readonly string[]; onAdd: (name: string) => void }) {
  const [name, setName] = useState('');
  const trimmed = name.trim();
  const problem = !trimmed
    ? null
    : !metricNamePattern.test(trimmed)
      ? 'A lowercase letter, then lowercase letters, digits or _ (as the application reports it, e.g. false_alarm)'
      : taken.includes(trimmed)
        ? 'This metric already has a gate'
        : null;
  const add = () => {
    if (!trimmed || problem) return;
    onAdd(trimmed);
    setName('');
  };
  return (
    <Box sx={{ mt: 2 }}>
      <Typography variant="subtitle2">Application metric gate</Typography>
      <Typography variant="caption" color="text.secondary" component="div" sx={{ mb: 1 }}>
        The device&apos;s application reports its own numbers to the agent (POST /v1/metrics on the local endpoint). The gate compares a metric on the new model with the same devices before it: events per inference for counts, the mean for values.
      </Typography>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'flex-start' }}>
        <TextField
          size="small"
          label="Metric name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && add()}
          error={!!problem}
          helperText={problem ?? ' '}
          slotProps={{ htmlInput: { 'data-testid': 'wizard-metric-name' } }}
        />
        <Button variant="outlined" onClick={add} disabled={!trimmed || !!problem} data-testid="wizard-metric-add">
          Add metric gate
        </Button>
      </Box>
    </Box>
  );
}

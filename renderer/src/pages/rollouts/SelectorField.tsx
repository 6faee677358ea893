import { Box, Chip, TextField } from '@mui/material';
import { useMemo } from 'react';
import { useRequest } from '../../store/useRequest.js';

/** A target selector with the fleet's groups and tags as one-click terms. */
export function SelectorField({ value, onChange, testId }: { value: string; onChange: (v: string) => void; testId: string }) {
  const devices = useRequest('devices.list', {});
  const terms = useMemo(() => {
    const groups = new Set<string>();
    const tags = new Set<string>();
    for (const d of devices.data ?? []) {
      d.groups.forEach((g) => groups.add(g));
      d.tags.forEach((t) => tags.add(t));
    }
    return ['all', ...[...groups].sort().map((g) => `group:${g}`), ...[...tags].sort().map((t) => `tag:${t}`)].slice(0, 24);
  }, [devices.data]);
  const current = value.split(',').map((t) => t.trim()).filter(Boolean);
  const toggle = (term: string) => {
    if (term === 'all') return onChange('all');
    const rest = current.filter((t) => t !== 'all');
    onChange((rest.includes(term) ? rest.filter((t) => t !== term) : [...rest, term]).join(', ') || 'all');
  };
  return (
    <Box>
      <TextField fullWidth label="Target selector" value={value} onChange={(e) => onChange(e.target.value)} slotProps={{ htmlInput: { 'data-testid': testId, spellCheck: false } }} />
      <Box sx={{ display: 'flex', gap: 0.75, flexWrap: 'wrap', mt: 1 }}>
        {terms.map((t) => (
          <Chip key={t} label={t} variant={current.includes(t) ? 'filled' : 'outlined'} color={current.includes(t) ? 'primary' : 'default'} onClick={() => toggle(t)} />
        ))}
      </Box>
    </Box>
  );
}

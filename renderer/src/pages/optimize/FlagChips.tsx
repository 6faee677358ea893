import ErrorOutlinedIcon from '@mui/icons-material/ErrorOutlined';
import WarningAmberIcon from '@mui/icons-material/WarningAmber';
import { Box, Chip, Tooltip } from '@mui/material';
import type { VariantFlag } from '../../../../electron/core/api/types.js';
import { flagLabels } from './metrics.js';

/** Safety-net findings as red (error) and amber (warning) chips, the message in a tooltip. */
export function FlagChips({ flags }: { flags: VariantFlag[] }) {
  if (flags.length === 0) return null;
  const sorted = [...flags].sort((a, b) => (a.level === b.level ? 0 : a.level === 'error' ? -1 : 1));
  return (
    <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap' }}>
      {sorted.map((f, i) => (
        <Tooltip key={`${f.code}-${i}`} title={f.message}>
          <Chip
            data-testid="variant-flag"
            data-code={f.code}
            data-level={f.level}
            icon={f.level === 'error' ? <ErrorOutlinedIcon /> : <WarningAmberIcon />}
            label={flagLabels[f.code] ?? f.code}
            color={f.level === 'error' ? 'error' : 'warning'}
            variant={f.level === 'error' ? 'filled' : 'outlined'}
            sx={{ fontWeight: 600 }}
          />
        </Tooltip>
      ))}
    </Box>
  );
}

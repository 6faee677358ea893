import { Chip } from '@mui/material';
import type { WaveStatus } from './bundle-types.js';

type Color = 'default' | 'success' | 'warning' | 'error' | 'info';

const waveLook: Record<WaveStatus, { label: string; color: Color; variant: 'filled' | 'outlined' }> = {
  pending: { label: 'Pending', color: 'default', variant: 'outlined' },
  running: { label: 'Running', color: 'info', variant: 'filled' },
  completed: { label: 'Completed', color: 'success', variant: 'filled' },
  held: { label: 'Held', color: 'warning', variant: 'filled' },
  stopped: { label: 'Stopped', color: 'error', variant: 'filled' },
};

export function WaveStatusChip({ status }: { status: WaveStatus }) {
  const look = waveLook[status] ?? { label: status, color: 'default' as const, variant: 'outlined' as const };
  return <Chip size="small" label={look.label} color={look.color} variant={look.variant} data-testid="bundle-wave-status" data-status={status} />;
}

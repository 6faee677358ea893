import { Box, Button, Link, Typography } from '@mui/material';
import type { BundleRecord } from './bundle-types.js';
import { href } from '../../router/hash-route.js';
import { WaveStatusChip } from './bundle-look.js';

interface Props {
  bundle: BundleRecord;
  busy: boolean;
  /** bundles.run; proceed: a person's go-ahead past a hold. */
  onRun: (proceed: boolean) => void;
}

/** Each wave of a bundle's plan: what goes where, its state, its rollout and what it said last. */
export function BundleWaves({ bundle, busy, onRun }: Props) {
  const waves = bundle.plan?.waves ?? [];
  if (waves.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        No plan: models and agent builds only
      </Typography>
    );
  }
  // Only the first wave not yet completed can be started or continued; the ones after it wait their turn.
  const next = bundle.waves.findIndex((w) => w.status !== 'completed');
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      {waves.map((w, i) => {
        const st = bundle.waves[i];
        const status = st?.status ?? 'pending';
        return (
          <Box key={i} data-testid="bundle-wave" data-status={status} sx={{ display: 'flex', gap: 1, alignItems: 'flex-start', flexWrap: 'wrap' }}>
            <WaveStatusChip status={status} />
            <Box sx={{ flex: 1, minWidth: 200 }}>
              <Typography variant="body2">
                Wave {i + 1} “{w.name}”: {w.model.name} v{w.model.version} → <code>{w.selector}</code>
                {w.hold ? ' · holds for a person after' : ''}
              </Typography>
              {st?.rolloutId && (
                <Typography variant="caption" component="div">
                  Rollout{' '}
                  <Link href={href('rollouts', [st.rolloutId])} data-testid="bundle-wave-rollout">
                    {st.rolloutId}
                  </Link>
                </Typography>
              )}
              {st?.detail && (
                <Typography variant="caption" color="text.secondary" component="div" data-testid="bundle-wave-detail" sx={{ overflowWrap: 'anywhere' }}>
                  {st.detail}
                </Typography>
              )}
            </Box>
            {i === next && status === 'held' && (
              <Button size="small" variant="contained" disabled={busy} onClick={() => onRun(true)} data-testid="bundle-continue">
                Continue
              </Button>
            )}
            {i === next && status === 'pending' && (
              <Button size="small" variant="outlined" disabled={busy} onClick={() => onRun(false)} data-testid="bundle-run">
                Run plan
              </Button>
            )}
          </Box>
        );
      })}
    </Box>
  );
}

import { Box, Chip, Paper, Typography } from '@mui/material';
import type { RolloutDetail, RolloutStageView } from '../../../../electron/core/api/types.js';
import { formatTime } from '../../format/format.js';

const phaseLabel: Record<NonNullable<RolloutStageView['phase']>, string> = {
  deploying: 'Deploying',
  soaking: 'Soaking',
  evaluating: 'Evaluating gates',
  confirming: 'Confirming',
};

function stageLook(s: RolloutStageView, current: boolean): { label: string; color: string } {
  if (s.outcome === 'passed') return { label: 'Passed', color: '#4cc98a' };
  if (s.outcome === 'failed') return { label: 'Failed its gates', color: '#ff6b6b' };
  if (current && s.phase) return { label: phaseLabel[s.phase], color: '#7fb8e6' };
  return { label: 'Not started', color: '#5d6b79' };
}

/** The stages left to right: size, devices, phase or outcome, and the soak window. */
export function StageTimeline({ rollout }: { rollout: RolloutDetail }) {
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: `repeat(${Math.max(1, rollout.stages.length)}, minmax(160px, 1fr))`, gap: 1.5, overflowX: 'auto' }} data-testid="stage-timeline">
      {rollout.stages.map((s) => {
        const current = s.index === rollout.stage;
        const look = stageLook(s, current);
        return (
          <Paper
            key={s.index}
            variant="outlined"
            data-testid="stage"
            data-outcome={s.outcome ?? ''}
            data-current={current}
            sx={{ p: 1.5, borderColor: current ? look.color : undefined, borderWidth: current ? 2 : 1, borderTop: `4px solid ${look.color}` }}
          >
            <Typography variant="overline" color="text.secondary">
              Stage {s.index + 1}
            </Typography>
            <Typography variant="h6" component="p">
              {s.label}
            </Typography>
            <Typography variant="body2" color="text.secondary">
              {s.deviceIds.length.toLocaleString('en-US')} device{s.deviceIds.length === 1 ? '' : 's'}
            </Typography>
            <Chip label={look.label} size="small" variant="outlined" sx={{ mt: 1, borderColor: look.color, color: look.color }} />
            {s.soakStartedAt && (
              <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 0.5 }}>
                soak {formatTime(s.soakStartedAt)}
                {s.soakEndsAt ? ` → ${formatTime(s.soakEndsAt)}` : ''}
              </Typography>
            )}
          </Paper>
        );
      })}
    </Box>
  );
}

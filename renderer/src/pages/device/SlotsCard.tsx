import CheckCircleIcon from '@mui/icons-material/CheckCircle';
import RocketLaunchIcon from '@mui/icons-material/RocketLaunch';
import UndoIcon from '@mui/icons-material/Undo';
import { Box, Button, Chip, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Grid, Paper, Tooltip, Typography } from '@mui/material';
import { useState, type ReactNode } from 'react';
import type { DeviceDetail, DeviceSlot, ErrorData } from '../../../../electron/core/api/types.js';
import { toErrorData } from '../../api/api-error.js';
import { ErrorCard } from '../../components/ErrorCard.js';
import { SectionCard } from '../../components/SectionCard.js';
import { shortSha } from '../../format/format.js';
import { useApi } from '../../store/useApi.js';
import { monoFont } from '../../theme.js';

const roleLook: Record<DeviceSlot['role'], { label: string; color: 'success' | 'warning' | 'default' | 'info' }> = {
  active: { label: 'Active', color: 'success' },
  trial: { label: 'Trial', color: 'warning' },
  previous: { label: 'Previous', color: 'info' },
  empty: { label: 'Empty', color: 'default' },
};

function SlotCard({ slot }: { slot: DeviceSlot }) {
  const look = roleLook[slot.role] ?? roleLook.empty;
  const live = slot.role === 'active' || slot.role === 'trial';
  return (
    <Paper
      variant="outlined"
      data-testid={`slot-${slot.slot}`}
      data-role={slot.role}
      sx={{ p: 1.5, height: '100%', borderColor: slot.role === 'trial' ? 'warning.main' : live ? 'success.dark' : undefined, bgcolor: live ? 'rgba(255,255,255,0.02)' : 'transparent' }}
    >
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1 }}>
        <Typography variant="overline" color="text.secondary" sx={{ lineHeight: 1.4 }}>
          Slot {slot.slot.toUpperCase()}
        </Typography>
        <Chip label={look.label} color={look.color} variant={live ? 'filled' : 'outlined'} data-testid="slot-role" />
      </Box>
      {slot.modelName ? (
        <>
          <Typography variant="subtitle1" sx={{ fontWeight: 600, lineHeight: 1.3 }}>
            {slot.modelName}{' '}
            <Typography component="span" variant="body2" color="text.secondary">
              {slot.version ?? ''}
            </Typography>
          </Typography>
          {slot.sha256 && (
            <Tooltip title={slot.sha256}>
              <Typography variant="caption" color="text.secondary" sx={{ fontFamily: monoFont }}>
                sha256 {shortSha(slot.sha256)}
              </Typography>
            </Tooltip>
          )}
        </>
      ) : (
        <Typography variant="body2" color="text.secondary">
          No model in this slot.
        </Typography>
      )}
    </Paper>
  );
}

interface Ask {
  title: string;
  body: ReactNode;
  okLabel: string;
  destructive: boolean;
  run: () => Promise<unknown>;
}

/** Both model slots, and the slot actions: confirm a trial, roll back to the previous model, deploy another. */
export function SlotsCard({ device, onChanged, onDeploy }: { device: DeviceDetail; onChanged: () => void; onDeploy: () => void }) {
  const client = useApi();
  const [ask, setAsk] = useState<Ask | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
  const slots = [...device.slots].sort((a, b) => a.slot.localeCompare(b.slot));
  const trial = slots.find((s) => s.role === 'trial');
  const current = trial ?? slots.find((s) => s.role === 'active');
  const previous = slots.find((s) => s.role === 'previous' && s.modelName);
  const reachable = device.paired && device.state !== 'offline' && device.state !== 'discovered';
  const name = (s: DeviceSlot | undefined) => (s?.modelName ? `${s.modelName}${s.version ? ` ${s.version}` : ''}` : 'the previous model');

  const go = async () => {
    if (!ask) return;
    setBusy(true);
    setError(null);
    try {
      await ask.run();
      setAsk(null);
      onChanged();
    } catch (err) {
      setError(toErrorData(err));
    } finally {
      setBusy(false);
    }
  };

  const confirmTrial = () =>
    setAsk({
      title: `Confirm ${name(trial)} on ${device.name}?`,
      body: 'The trial model becomes the confirmed model and the agent stops watching it for an automatic revert. The previous model stays in the other slot for a manual rollback.',
      okLabel: 'Confirm model',
      destructive: false,
      run: () => client.invoke('devices.confirm', { id: device.id }),
    });

  const rollback = () =>
    setAsk({
      title: `Roll back ${device.name}?`,
      body: (
        <>
          The device stops serving <strong>{name(current)}</strong> right away and switches back to <strong>{name(previous)}</strong>.
          Requests in flight during the switch may fail. The rolled-back model stays in its slot until the next deploy overwrites it.
        </>
      ),
      okLabel: 'Roll back now',
      destructive: true,
      run: () => client.invoke('devices.rollback', { id: device.id }),
    });

  return (
    <SectionCard
      title="Model slots"
      subtitle="A/B slots: a deploy writes the inactive slot, so the previous model is always one step away."
      testId="device-slots"
      actions={
        <Box sx={{ display: 'flex', gap: 1 }}>
          {trial && (
            <Button size="small" variant="contained" color="success" startIcon={<CheckCircleIcon />} onClick={confirmTrial} disabled={!reachable} data-testid="slot-confirm">
              Confirm
            </Button>
          )}
          <Tooltip title={previous ? '' : 'No previous model to go back to'}>
            <span>
              <Button size="small" variant="outlined" color="warning" startIcon={<UndoIcon />} onClick={rollback} disabled={!previous || !reachable} data-testid="slot-rollback">
                Roll back
              </Button>
            </span>
          </Tooltip>
          <Button size="small" variant="outlined" startIcon={<RocketLaunchIcon />} onClick={onDeploy} disabled={!device.paired} data-testid="slot-deploy">
            Deploy…
          </Button>
        </Box>
      }
    >
      {!reachable && (
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
          {device.paired ? 'The device is offline: slot actions wait until it is back.' : 'Pair the device before deploying to it.'}
        </Typography>
      )}
      <Grid container spacing={1.5}>
        {slots.length === 0 && (
          <Grid size={12}>
            <Typography variant="body2" color="text.secondary">
              The agent has not reported its slots yet.
            </Typography>
          </Grid>
        )}
        {slots.map((s) => (
          <Grid key={s.slot} size={{ xs: 12, sm: 6 }}>
            <SlotCard slot={s} />
          </Grid>
        ))}
      </Grid>
      {error && !ask && (
        <Box sx={{ mt: 1.5 }}>
          <ErrorCard error={error} />
        </Box>
      )}
      <Dialog open={ask !== null} onClose={() => !busy && setAsk(null)} maxWidth="xs" fullWidth data-testid="slot-action-dialog">
        <DialogTitle>{ask?.title}</DialogTitle>
        <DialogContent>
          <DialogContentText component="div">{ask?.body}</DialogContentText>
          {error && (
            <Box sx={{ mt: 2 }}>
              <ErrorCard error={error} />
            </Box>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => { setAsk(null); setError(null); }} disabled={busy}>
            Cancel
          </Button>
          <Button
            variant="contained"
            color={ask?.destructive ? 'error' : 'success'}
            onClick={() => void go()}
            disabled={busy}
            data-testid="slot-action-ok"
          >
            {busy ? 'Working…' : ask?.okLabel}
          </Button>
        </DialogActions>
      </Dialog>
    </SectionCard>
  );
}

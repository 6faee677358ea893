import { Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, TextField, Typography } from '@mui/material';
import { useState, type FormEvent } from 'react';
import type { DeviceSummary, ErrorData } from '../../../../electron/core/api/types.js';
import { toErrorData } from '../../api/api-error.js';
import { ErrorCard } from '../../components/ErrorCard.js';
import { useApi } from '../../store/useApi.js';
import { hostPortPattern } from './device-look.js';

interface Props {
  open: boolean;
  onClose: () => void;
  /** Called with the new device; an unpaired one is usually paired next. */
  onAdded: (device: DeviceSummary) => void;
}

/** Adds an agent that discovery did not find (another subnet, mDNS blocked) by its host:port. */
export function AddDeviceDialog({ open, onClose, onAdded }: Props) {
  const client = useApi();
  const [address, setAddress] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
  const trimmed = address.trim();
  const valid = hostPortPattern.test(trimmed);

  const close = () => {
    if (busy) return;
    setError(null);
    onClose();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!valid) return;
    setBusy(true);
    setError(null);
    try {
      const device = await client.invoke('devices.add', { address: trimmed });
      setAddress('');
      onAdded(device);
    } catch (err) {
      setError(toErrorData(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} onClose={close} fullWidth maxWidth="xs" data-testid="add-device-dialog">
      <Box component="form" onSubmit={(e) => void submit(e)}>
        <DialogTitle>Add a device by address</DialogTitle>
        <DialogContent>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            For an agent that discovery does not find, for example on another subnet or where mDNS is blocked. You pair it
            next, with the code it shows.
          </Typography>
          <TextField
            autoFocus
            fullWidth
            label="Address (host:port)"
            placeholder="192.168.1.20:7443"
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            error={trimmed !== '' && !valid}
            helperText={trimmed !== '' && !valid ? 'Give the address as host:port, e.g. 192.168.1.20:7443' : ' '}
            slotProps={{ htmlInput: { 'data-testid': 'add-address', spellCheck: false } }}
          />
          {error && <ErrorCard error={error} />}
        </DialogContent>
        <DialogActions>
          <Button onClick={close} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={!valid || busy} data-testid="add-submit">
            {busy ? 'Adding…' : 'Add device'}
          </Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}

import { Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, TextField, Typography } from '@mui/material';
import { useState, type FormEvent } from 'react';
import type { DeviceSummary, ErrorData } from '../../../../electron/core/api/types.js';
import { toErrorData } from '../../api/api-error.js';
import { ErrorCard } from '../../components/ErrorCard.js';
import { useApi } from '../../store/useApi.js';
import { monoFont } from '../../theme.js';
import { hostPortPattern } from './device-look.js';

interface Props {
  /** The device to pair (its address prefills the form); null keeps the dialog closed. */
  device: Pick<DeviceSummary, 'name' | 'address'> | null;
  onClose: () => void;
  onPaired?: (device: DeviceSummary) => void;
}

/** Pairs a discovered agent: the code it shows proves physical access, and its certificate gets pinned. Mount with key=address. */
export function PairDialog({ device, onClose, onPaired }: Props) {
  const client = useApi();
  const [address, setAddress] = useState(device?.address ?? '');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
  const validAddress = hostPortPattern.test(address.trim());
  const validCode = code.trim().length >= 4 && code.trim().length <= 32;

  const close = () => {
    if (busy) return;
    onClose();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!validAddress || !validCode) return;
    setBusy(true);
    setError(null);
    try {
      const paired = await client.invoke('devices.pair', { address: address.trim(), code: code.trim() });
      onPaired?.(paired);
      onClose();
    } catch (err) {
      setError(toErrorData(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={device !== null} onClose={close} fullWidth maxWidth="xs" data-testid="pair-dialog">
      <Box component="form" onSubmit={(e) => void submit(e)}>
        <DialogTitle>Pair {device?.name ?? 'device'}</DialogTitle>
        <DialogContent>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            Enter the pairing code the agent shows on its console or display. Pairing pins the agent's certificate, so
            later connections cannot be intercepted.
          </Typography>
          <TextField
            fullWidth
            label="Address (host:port)"
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            error={address.trim() !== '' && !validAddress}
            helperText={address.trim() !== '' && !validAddress ? 'Give the address as host:port' : ' '}
            slotProps={{ htmlInput: { 'data-testid': 'pair-address', spellCheck: false } }}
          />
          <TextField
            autoFocus
            fullWidth
            label="Pairing code"
            placeholder="e.g. 482913"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            helperText="4 to 32 characters, as shown by the agent"
            slotProps={{ htmlInput: { 'data-testid': 'pair-code', spellCheck: false, autoComplete: 'off', style: { fontFamily: monoFont, letterSpacing: '0.1em' } } }}
          />
          {error && (
            <Box sx={{ mt: 2 }}>
              <ErrorCard error={error} />
            </Box>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={close} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={!validAddress || !validCode || busy} data-testid="pair-submit">
            {busy ? 'Pairing…' : 'Pair'}
          </Button>
        </DialogActions>
      </Box>
    </Dialog>
  );
}

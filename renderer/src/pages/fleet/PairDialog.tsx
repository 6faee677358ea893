import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, TextField, Typography } from '@mui/material';
import { useState, type FormEvent } from 'react';
import type { DeviceSummary, ErrorData } from '../../../../electron/core/api/types.js';
import { isFingerprintInput, shortFingerprint } from '../../../../resources/device-protocol/fingerprint-text.js';
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

/**
 * Pairs a discovered agent: the code it shows proves physical access, and its certificate gets pinned.
 * Without a fingerprint typed in, the first pairing trusts whichever certificate answers, so the dialog
 * then shows the pinned fingerprint for the user to compare with the device's. Mount with key=address.
 */
export function PairDialog({ device, onClose, onPaired }: Props) {
  const client = useApi();
  const [address, setAddress] = useState(device?.address ?? '');
  const [code, setCode] = useState('');
  const [fingerprint, setFingerprint] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
  const [paired, setPaired] = useState<{ device: DeviceSummary; checked: boolean } | null>(null);
  const validAddress = hostPortPattern.test(address.trim());
  const validCode = code.trim().length >= 4 && code.trim().length <= 32;
  const validFingerprint = fingerprint.trim() === '' || isFingerprintInput(fingerprint);

  const close = () => {
    if (busy) return;
    onClose();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!validAddress || !validCode || !validFingerprint) return;
    setBusy(true);
    setError(null);
    try {
      const pin = fingerprint.trim();
      const device = await client.invoke('devices.pair', { address: address.trim(), code: code.trim(), ...(pin ? { fingerprint: pin } : {}) });
      setPaired({ device, checked: pin !== '' });
      onPaired?.(device);
    } catch (err) {
      setError(toErrorData(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={device !== null} onClose={close} fullWidth maxWidth="xs" data-testid="pair-dialog">
      {paired ? (
        <PairedView device={paired.device} checked={paired.checked} onDone={onClose} />
      ) : (
        <Box component="form" onSubmit={(e) => void submit(e)}>
          <DialogTitle>Pair {device?.name ?? 'device'}</DialogTitle>
          <DialogContent>
            <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
              Enter the pairing code the agent shows on its console or display. Pairing pins the agent's certificate, so
              later connections cannot be intercepted. First pairing trusts the certificate that answers: type the
              fingerprint the agent shows next to its code to have it checked before the code is sent.
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
            <TextField
              fullWidth
              sx={{ mt: 1 }}
              label="Certificate fingerprint (optional)"
              placeholder="e.g. 3F2A 9C1B 77E0 4D18"
              value={fingerprint}
              onChange={(e) => setFingerprint(e.target.value)}
              error={!validFingerprint}
              helperText={validFingerprint ? 'As shown by the agent; pairing is refused if the certificate differs' : 'Give the 16 hex digits the agent shows, or its full SHA-256'}
              slotProps={{ htmlInput: { 'data-testid': 'pair-fingerprint', spellCheck: false, autoComplete: 'off', style: { fontFamily: monoFont } } }}
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
            <Button type="submit" variant="contained" disabled={!validAddress || !validCode || !validFingerprint || busy} data-testid="pair-submit">
              {busy ? 'Pairing…' : 'Pair'}
            </Button>
          </DialogActions>
        </Box>
      )}
    </Dialog>
  );
}

function PairedView({ device, checked, onDone }: { device: DeviceSummary; checked: boolean; onDone: () => void }) {
  return (
    <>
      <DialogTitle>Paired {device.name}</DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="text.secondary">
          Certificate fingerprint
        </Typography>
        <Typography data-testid="pair-fingerprint-shown" sx={{ fontFamily: monoFont, fontSize: '1.4rem', letterSpacing: '0.05em', my: 1 }}>
          {device.fingerprint ? shortFingerprint(device.fingerprint) : 'unknown'}
        </Typography>
        <Alert severity={checked ? 'success' : 'info'} data-testid="pair-trust">
          {checked
            ? 'The certificate matched the fingerprint you gave before the code was sent.'
            : 'First pairing trusts this certificate: compare this fingerprint with the one the device shows. If they differ, remove the device: another machine answered at this address.'}
        </Alert>
      </DialogContent>
      <DialogActions>
        <Button variant="contained" onClick={onDone} data-testid="pair-done">
          Done
        </Button>
      </DialogActions>
    </>
  );
}

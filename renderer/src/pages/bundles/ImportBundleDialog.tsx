import { Button, Checkbox, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import type { ImportResult } from './bundle-types.js';
import { ErrorCard } from '../../components/ErrorCard.js';
import { PathField } from './PathField.js';
import { useAction } from './useAction.js';

/** `edgefleet bundle import DIR`: every part and signature verified before anything is unpacked; a refusal changes nothing. */
export function ImportBundleDialog({ open, onClose, onImported }: { open: boolean; onClose: () => void; onImported: (r: ImportResult) => void }) {
  const action = useAction('bundles.import');
  const [dir, setDir] = useState('');
  const [trustRoot, setTrustRoot] = useState('');
  const [clockFromBundle, setClockFromBundle] = useState(false);

  const close = () => {
    if (action.busy) return;
    action.reset();
    onClose();
  };
  const submit = async () => {
    const r = await action.run({ dir: dir.trim(), ...(trustRoot.trim() ? { trustRoot: trustRoot.trim() } : {}), clockFromBundle });
    if (r) {
      action.reset();
      setDir('');
      setTrustRoot('');
      setClockFromBundle(false);
      onImported(r);
    }
  };

  return (
    <Dialog open={open} onClose={close} maxWidth="md" fullWidth data-testid="bundle-import-dialog">
      <DialogTitle>Import bundle</DialogTitle>
      <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          Every part and signature is verified before anything is unpacked; then the models are registered and the plan recorded. A refusal leaves this console as it was.
        </Typography>
        <PathField
          required
          label="Bundle folder"
          placeholder="/media/usb/plant-7"
          value={dir}
          onChange={setDir}
          testId="bundle-import-dir"
          helperText="The folder `bundle create` wrote (its parts, SHA256SUMS and bundle-info.json), on the computer running the console"
        />
        <TextField
          label="Trust root fingerprint"
          placeholder="sha256 of the authority's root"
          value={trustRoot}
          onChange={(e) => setTrustRoot(e.target.value)}
          helperText="First import only: the sha256 of the authority’s root, as the connected console showed it when it made the bundle (not from the stick)"
          slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'data-testid': 'bundle-import-trust', spellCheck: false, style: { fontFamily: 'monospace' } } }}
        />
        <FormControlLabel
          label="My clock is behind: judge time from the bundle"
          control={<Checkbox checked={clockFromBundle} onChange={(e) => setClockFromBundle(e.target.checked)} slotProps={{ input: { 'data-testid': 'bundle-import-clock' } as object }} />}
        />
        <Typography variant="caption" color="text.secondary" sx={{ mt: -2 }}>
          Accepts a clock behind the bundle’s signing time; expiry is then judged from the newest signed time (audited).
        </Typography>
        {action.error && <ErrorCard error={action.error} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={action.busy}>
          Cancel
        </Button>
        <Button variant="contained" onClick={() => void submit()} disabled={!dir.trim() || action.busy} data-testid="bundle-import-submit">
          {action.busy ? 'Verifying…' : 'Import'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

import { Button, Dialog, DialogActions, DialogContent, DialogTitle, Typography } from '@mui/material';
import { useState } from 'react';
import { ErrorCard } from '../../components/ErrorCard.js';
import { Fingerprint } from './Fingerprint.js';
import { PathField } from './PathField.js';
import { useAction } from './useAction.js';

/** `edgefleet bundle report -o DIR` at the site: every paired device's signed report and the plans' results, signed by this console. */
export function WriteReportDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const action = useAction('bundles.report');
  const [outDir, setOutDir] = useState('');
  const made = action.result;
  const close = () => {
    if (action.busy) return;
    action.reset();
    onClose();
  };
  return (
    <Dialog open={open} onClose={close} maxWidth="md" fullWidth data-testid="bundle-report-dialog">
      <DialogTitle>{made ? `Report ${made.id} for site ${made.site}` : 'Write report bundle'}</DialogTitle>
      <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
        {made ? (
          <>
            <Typography variant="body2" sx={{ mt: 1 }} data-testid="bundle-report-summary">
              {made.dir}: {made.devices - made.unverified} of {made.devices} devices sent a signed report.
            </Typography>
            <Fingerprint label="Site console key fingerprint" value={made.keySha256} testId="bundle-report-key">
              The connected console's first import from this site needs it, given by a channel other than the stick.
            </Fingerprint>
          </>
        ) : (
          <>
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
              Asks every paired device for its signed report, adds the plans' results and signs it all with this console's key, for the connected console to import.
            </Typography>
            <PathField required label="Output folder" placeholder="/media/usb/plant-7-report" value={outDir} onChange={setOutDir} testId="bundle-report-out" helperText="An empty folder, e.g. on the USB stick" />
          </>
        )}
        {action.error && <ErrorCard error={action.error} />}
      </DialogContent>
      <DialogActions>
        {made ? (
          <Button variant="contained" onClick={close}>
            Done
          </Button>
        ) : (
          <>
            <Button onClick={close} disabled={action.busy}>
              Cancel
            </Button>
            <Button variant="contained" onClick={() => void action.run({ outDir: outDir.trim() })} disabled={!outDir.trim() || action.busy} data-testid="bundle-report-submit">
              {action.busy ? 'Asking the devices…' : 'Write report'}
            </Button>
          </>
        )}
      </DialogActions>
    </Dialog>
  );
}

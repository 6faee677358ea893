import { Button, Dialog, DialogActions, DialogContent, DialogTitle, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import { ErrorCard } from '../../components/ErrorCard.js';
import { PathField } from './PathField.js';
import { useAction } from './useAction.js';

/** `edgefleet bundle report-import DIR` at the connected console: the same report twice changes nothing. */
export function ImportReportDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const action = useAction('bundles.importReport');
  const [dir, setDir] = useState('');
  const [trustSite, setTrustSite] = useState('');
  const r = action.result;
  const close = () => {
    if (action.busy) return;
    action.reset();
    onClose();
  };
  return (
    <Dialog open={open} onClose={close} maxWidth="md" fullWidth data-testid="bundle-report-import-dialog">
      <DialogTitle>Import site report</DialogTitle>
      <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
        {r ? (
          <Typography variant="body2" component="div" sx={{ mt: 1 }} data-testid="bundle-report-imported">
            {r.already ? 'Already imported (nothing changed): ' : 'Imported '}report {r.id} from site {r.site}.
            <br />
            {r.verified.length} device report(s) verified{r.unverified.length ? `; ${r.unverified.length} not: ${r.unverified.map((u) => `${u.deviceId} (${u.reason})`).join('; ')}` : ''}. The audit log shows its offline installs.
          </Typography>
        ) : (
          <>
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
              Verifies a site's report and records its offline installs in the audit log.
            </Typography>
            <PathField required label="Report folder" placeholder="/media/usb/plant-7-report" value={dir} onChange={setDir} testId="bundle-report-import-dir" helperText="The folder `bundle report` wrote at the site" />
            <TextField
              label="Trust site fingerprint"
              value={trustSite}
              onChange={(e) => setTrustSite(e.target.value)}
              helperText="First report from a site: the sha256 of its console key, as the site console showed it"
              slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'data-testid': 'bundle-report-import-trust', spellCheck: false, style: { fontFamily: 'monospace' } } }}
            />
          </>
        )}
        {action.error && <ErrorCard error={action.error} />}
      </DialogContent>
      <DialogActions>
        {r ? (
          <Button variant="contained" onClick={close}>
            Done
          </Button>
        ) : (
          <>
            <Button onClick={close} disabled={action.busy}>
              Cancel
            </Button>
            <Button
              variant="contained"
              onClick={() => void action.run({ dir: dir.trim(), ...(trustSite.trim() ? { trustSite: trustSite.trim() } : {}) })}
              disabled={!dir.trim() || action.busy}
              data-testid="bundle-report-import-submit"
            >
              {action.busy ? 'Verifying…' : 'Import report'}
            </Button>
          </>
        )}
      </DialogActions>
    </Dialog>
  );
}

import { Box, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from '@mui/material';
import { useState, type ReactNode } from 'react';
import type { ErrorData } from '../../../../electron/core/api/types.js';
import { toErrorData } from '../../api/api-error.js';
import { ErrorCard } from '../../components/ErrorCard.js';

export interface ConfirmAsk {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  run: () => Promise<unknown>;
}

/** Asks before an action that changes devices; shows the error in place when it fails. */
export function ConfirmDialog({ ask, onClose }: { ask: ConfirmAsk | null; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
  const close = () => {
    if (busy) return;
    setError(null);
    onClose();
  };
  const confirm = async () => {
    if (!ask) return;
    setBusy(true);
    setError(null);
    try {
      await ask.run();
      onClose();
    } catch (err) {
      setError(toErrorData(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={ask !== null} onClose={close} maxWidth="sm" fullWidth data-testid="confirm-dialog">
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
        <Button onClick={close} disabled={busy}>
          Cancel
        </Button>
        <Button variant="contained" color={ask?.danger ? 'error' : 'primary'} onClick={() => void confirm()} disabled={busy} data-testid="confirm-action">
          {busy ? 'Working…' : ask?.confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

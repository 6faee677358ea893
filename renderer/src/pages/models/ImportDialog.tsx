import UploadFileIcon from '@mui/icons-material/UploadFile';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Divider,
  LinearProgress,
  TextField,
  Typography,
} from '@mui/material';
import { useRef, useState, type FormEvent } from 'react';
import type { ErrorData } from '../../../../electron/core/api/types.js';
import { toErrorData } from '../../api/api-error.js';
import { ErrorCard } from '../../components/ErrorCard.js';
import { useApi } from '../../store/useApi.js';

interface Props {
  open: boolean;
  onClose: () => void;
  /** Starts `models.import` for a path on the workstation; resolves false when it could not start. */
  onImport: (path: string, name?: string) => Promise<boolean>;
  /** Why the last import could not start, shown in the dialog. */
  startError: ErrorData | null;
}

const stem = (fileName: string) => fileName.replace(/\.[^.]+$/, '');

/** Browser mode: import by uploading a file, or by a path on the workstation running `edgefleet serve`. */
export function ImportDialog({ open, onClose, onImport, startError }: Props) {
  const client = useApi();
  const [path, setPath] = useState('');
  const [uploading, setUploading] = useState<number | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const close = () => {
    if (uploading !== null) return;
    setError(null);
    onClose();
  };

  const submitPath = async (e: FormEvent) => {
    e.preventDefault();
    const p = path.trim();
    if (!p) return;
    if (await onImport(p)) {
      setPath('');
      close();
    }
  };

  const upload = async (file: File) => {
    if (!client.upload) return;
    setError(null);
    setUploading(0);
    try {
      const stored = await client.upload(file, setUploading);
      setUploading(null);
      if (await onImport(stored, stem(file.name))) onClose();
    } catch (err) {
      setError(toErrorData(err));
      setUploading(null);
    } finally {
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  return (
    <Dialog open={open} onClose={close} fullWidth maxWidth="sm" data-testid="import-dialog">
      <DialogTitle>Import a model</DialogTitle>
      <DialogContent>
        <Typography variant="subtitle2" component="h3" sx={{ mb: 1 }}>
          Upload from this computer
        </Typography>
        <input
          ref={fileInput}
          type="file"
          accept=".onnx,.ort,.tflite"
          hidden
          data-testid="import-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void upload(f);
          }}
        />
        <Button
          variant="outlined"
          startIcon={<UploadFileIcon />}
          disabled={uploading !== null || !client.upload}
          onClick={() => fileInput.current?.click()}
        >
          Choose an ONNX or TFLite file…
        </Button>
        {uploading !== null && (
          <Box sx={{ mt: 1.5 }}>
            <LinearProgress variant="determinate" value={uploading * 100} />
            <Typography variant="caption" color="text.secondary">
              Uploading · {Math.round(uploading * 100)}%
            </Typography>
          </Box>
        )}
        <Divider sx={{ my: 2.5 }}>or</Divider>
        <Box component="form" onSubmit={(e) => void submitPath(e)}>
          <Typography variant="subtitle2" component="h3" sx={{ mb: 1 }}>
            A file already on the workstation
          </Typography>
          <Box sx={{ display: 'flex', gap: 1 }}>
            <TextField
              fullWidth
              label="Path to the .onnx or .tflite file"
              placeholder="/home/me/models/detector.onnx"
              value={path}
              onChange={(e) => setPath(e.target.value)}
              slotProps={{ htmlInput: { 'data-testid': 'import-path', spellCheck: false } }}
            />
            <Button type="submit" variant="contained" disabled={!path.trim()} data-testid="import-submit">
              Import
            </Button>
          </Box>
          <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 0.5 }}>
            The path is read by the computer running <code>edgefleet serve</code>, not by this browser.
          </Typography>
        </Box>
        {(error ?? startError) && (
          <Box sx={{ mt: 2 }}>
            <ErrorCard error={(error ?? startError)!} />
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={uploading !== null}>
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}

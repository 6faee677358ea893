import UsbIcon from '@mui/icons-material/Usb';
import {
  Box,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  MenuItem,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import type { DeviceSummary, ErrorData, SerialPortInfo } from '../../../../electron/core/api/types.js';
import { toErrorData } from '../../api/api-error.js';
import { ErrorCard } from '../../components/ErrorCard.js';
import { useApi } from '../../store/useApi.js';
import { monoFont } from '../../theme.js';

const bauds = [115200, 230400, 460800, 921600, 1000000, 2000000];
const stateLook: Record<SerialPortInfo['state'], { label: string; color: 'default' | 'success' | 'warning' | 'error' }> = {
  unknown: { label: 'not probed', color: 'default' },
  agent: { label: 'EdgeFleet agent', color: 'success' },
  silent: { label: 'silent', color: 'default' },
  busy: { label: 'busy (another program)', color: 'warning' },
  denied: { label: 'no permission', color: 'error' },
  gone: { label: 'unplugged', color: 'default' },
  error: { label: 'error', color: 'error' },
};

/** The Fleet page's "Serial ports" button and its dialog: ports with their USB identity, probe, pair. */
/** Opens the Serial ports dialog, which the page keeps (it stays open when the first device appears). */
export function SerialPortsButton({ onOpen }: { onOpen: () => void }) {
  return (
    <Button variant="outlined" startIcon={<UsbIcon />} onClick={onOpen} data-testid="serial-open">
      Serial ports
    </Button>
  );
}

export function SerialPortsDialog({ onClose, onPaired }: { onClose: () => void; onPaired?: (device: DeviceSummary) => void }) {
  const client = useApi();
  const [baud, setBaud] = useState(921600);
  const [ports, setPorts] = useState<SerialPortInfo[]>([]);
  const [probing, setProbing] = useState(false);
  const [codes, setCodes] = useState<Record<string, string>>({});
  const [pairing, setPairing] = useState<string | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);

  /** Keeps probe results for ports still present; new ports show as not probed. */
  const merge = useCallback((listed: SerialPortInfo[]) => {
    setPorts((prev) => listed.map((p) => ({ ...p, ...(prev.find((q) => q.path === p.path && q.state !== 'unknown') ? { state: prev.find((q) => q.path === p.path)!.state } : {}) })));
  }, []);

  // Hot-plug: the list follows ports appearing and leaving while the dialog is open.
  useEffect(() => {
    let stop = false;
    const poll = () =>
      client
        .invoke('serial.list', { probe: false, baud })
        .then((l) => !stop && merge(l))
        .catch((err: unknown) => !stop && setError(toErrorData(err)));
    void poll();
    const timer = setInterval(() => void poll(), 3000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [client, baud, merge]);

  const probe = async () => {
    setProbing(true);
    setError(null);
    try {
      setPorts(await client.invoke('serial.list', { probe: true, baud }));
    } catch (err) {
      setError(toErrorData(err));
    } finally {
      setProbing(false);
    }
  };

  const pair = async (path: string) => {
    setPairing(path);
    setError(null);
    try {
      const device = await client.invoke('serial.add', { path, baud, code: (codes[path] ?? '').trim() });
      setPorts((prev) => prev.map((p) => (p.path === path ? { ...p, deviceId: device.id } : p)));
      onPaired?.(device);
    } catch (err) {
      setError(toErrorData(err));
    } finally {
      setPairing(null);
    }
  };

  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="md" data-testid="serial-dialog">
      <DialogTitle>Serial ports</DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          Probing sends a short handshake at the chosen baud rate to each port. Ports another program holds are shown as
          busy and left alone.
        </Typography>
        <Box sx={{ display: 'flex', gap: 2, mb: 2, alignItems: 'center' }}>
          <TextField select size="small" label="Baud rate" value={baud} onChange={(e) => setBaud(Number(e.target.value))} sx={{ width: 160 }}>
            {bauds.map((b) => (
              <MenuItem key={b} value={b}>
                {b.toLocaleString('en-US')}
              </MenuItem>
            ))}
          </TextField>
          <Button variant="contained" onClick={() => void probe()} disabled={probing} data-testid="serial-probe">
            {probing ? 'Probing…' : 'Probe ports'}
          </Button>
        </Box>
        {ports.length === 0 ? (
          <Typography variant="body2">No serial ports found. Plug the device in; the list updates by itself.</Typography>
        ) : (
          <Table size="small" data-testid="serial-ports">
            <TableHead>
              <TableRow>
                <TableCell>Port</TableCell>
                <TableCell>VID:PID</TableCell>
                <TableCell>Manufacturer / serial</TableCell>
                <TableCell>State</TableCell>
                <TableCell>Device</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {ports.map((p) => (
                <TableRow key={p.path} data-testid="serial-port-row">
                  <TableCell sx={{ fontFamily: monoFont }}>{p.path}</TableCell>
                  <TableCell sx={{ fontFamily: monoFont }}>{p.vendorId && p.productId ? `${p.vendorId}:${p.productId}` : '—'}</TableCell>
                  <TableCell>{[p.manufacturer, p.serialNumber].filter(Boolean).join(' · ') || '—'}</TableCell>
                  <TableCell>
                    <Chip size="small" label={stateLook[p.state].label} color={stateLook[p.state].color} title={p.detail ?? undefined} />
                  </TableCell>
                  <TableCell>
                    {p.deviceId ? (
                      <Typography variant="body2" sx={{ fontFamily: monoFont }}>
                        {p.deviceId}
                      </Typography>
                    ) : p.state === 'agent' ? (
                      <Box sx={{ display: 'flex', gap: 1 }}>
                        <TextField
                          size="small"
                          placeholder="Pairing code"
                          value={codes[p.path] ?? ''}
                          onChange={(e) => setCodes((c) => ({ ...c, [p.path]: e.target.value }))}
                          slotProps={{ htmlInput: { 'data-testid': 'serial-code', spellCheck: false, autoComplete: 'off' } }}
                        />
                        <Button size="small" variant="outlined" disabled={(codes[p.path] ?? '').trim().length < 4 || pairing !== null} onClick={() => void pair(p.path)} data-testid="serial-pair">
                          {pairing === p.path ? 'Pairing…' : 'Pair'}
                        </Button>
                      </Box>
                    ) : (
                      '—'
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        {error && (
          <Box sx={{ mt: 2 }}>
            <ErrorCard error={error} />
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}

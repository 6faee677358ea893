import TerminalIcon from '@mui/icons-material/Terminal';
import {
  Box,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  Radio,
  RadioGroup,
  TextField,
  Typography,
} from '@mui/material';
import { useState, type FormEvent } from 'react';
import type { ErrorData, SshHost } from '../../../../electron/core/api/types.js';
import { toErrorData } from '../../api/api-error.js';
import { ErrorCard } from '../../components/ErrorCard.js';
import { JobProgress } from '../../components/JobProgress.js';
import { useApi } from '../../store/useApi.js';
import { useJobRunner } from '../../store/useJobRunner.js';
import { monoFont } from '../../theme.js';

/** The Fleet page's "SSH host" button: add a stock Linux host (host key pinned), then provision the agent on it. */
/** Opens the SSH host dialog, which the page keeps (it stays open when the first device appears). */
export function AddSshHostButton({ onOpen }: { onOpen: () => void }) {
  return (
    <Button variant="outlined" startIcon={<TerminalIcon />} onClick={onOpen} data-testid="ssh-add-open">
      SSH host
    </Button>
  );
}

export function AddSshHostDialog({ onClose }: { onClose: () => void }) {
  const client = useApi();
  const runner = useJobRunner();
  const [host, setHost] = useState('');
  const [port, setPort] = useState('22');
  const [user, setUser] = useState('');
  const [auth, setAuth] = useState<'key' | 'password'>('key');
  const [keyPath, setKeyPath] = useState('');
  const [password, setPassword] = useState('');
  const [agentPort, setAgentPort] = useState('8443');
  const [servePort, setServePort] = useState('8080');
  const [mdns, setMdns] = useState(true);
  const [busy, setBusy] = useState(false);
  const [added, setAdded] = useState<SshHost | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  const portNumber = Number(port);
  const valid = host.trim() !== '' && user.trim() !== '' && Number.isInteger(portNumber) && portNumber > 0 && portNumber < 65536 && (auth === 'key' ? keyPath.trim() !== '' : password !== '');
  const running = runner.job?.state === 'running' || runner.job?.state === 'queued';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!valid) return;
    setBusy(true);
    setError(null);
    try {
      const input = { host: host.trim(), port: portNumber, user: user.trim(), ...(auth === 'key' ? { keyPath: keyPath.trim() } : { password }) };
      setAdded(await client.invoke('ssh.add', input));
    } catch (err) {
      setError(toErrorData(err));
    } finally {
      setBusy(false);
    }
  };

  const ports = { agentPort: Number(agentPort), servePort: Number(servePort) };
  const portsValid = Number.isInteger(ports.agentPort) && ports.agentPort > 0 && ports.agentPort < 65536 && Number.isInteger(ports.servePort) && ports.servePort >= 0 && ports.servePort < 65536;
  const provision = () => void runner.start(() => client.invoke('ssh.provision', { id: added!.id, ...ports, mdns, ...(added!.auth === 'password' ? { password } : {}) }));

  return (
    <Dialog open onClose={() => !busy && !running && onClose()} fullWidth maxWidth="sm" data-testid="ssh-add-dialog">
      <Box component="form" onSubmit={(e) => void submit(e)}>
        <DialogTitle>Add a Linux host over SSH</DialogTitle>
        <DialogContent>
          {!added ? (
            <>
              <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
                Its host key is pinned at the first login; a changed key later stops every connection. A key is kept as its
                path only; a password is kept in the system keychain where there is one, otherwise asked again.
              </Typography>
              <Box sx={{ display: 'flex', gap: 1 }}>
                <TextField autoFocus label="Host" placeholder="192.168.1.30" value={host} onChange={(e) => setHost(e.target.value)} sx={{ flex: 3 }} slotProps={{ htmlInput: { 'data-testid': 'ssh-host', spellCheck: false } }} />
                <TextField label="Port" value={port} onChange={(e) => setPort(e.target.value)} sx={{ flex: 1 }} slotProps={{ htmlInput: { 'data-testid': 'ssh-port', inputMode: 'numeric' } }} />
                <TextField label="User" value={user} onChange={(e) => setUser(e.target.value)} sx={{ flex: 2 }} slotProps={{ htmlInput: { 'data-testid': 'ssh-user', spellCheck: false } }} />
              </Box>
              <RadioGroup row value={auth} onChange={(e) => setAuth(e.target.value as 'key' | 'password')} sx={{ my: 1 }}>
                <FormControlLabel value="key" control={<Radio />} label="Private key" />
                <FormControlLabel value="password" control={<Radio />} label="Password" />
              </RadioGroup>
              {auth === 'key' ? (
                <TextField fullWidth label="Private key file" placeholder="/home/me/.ssh/id_ed25519" value={keyPath} onChange={(e) => setKeyPath(e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'ssh-key', spellCheck: false } }} />
              ) : (
                <TextField fullWidth type="password" label="Password" value={password} onChange={(e) => setPassword(e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'ssh-password' } }} />
              )}
            </>
          ) : (
            <Box data-testid="ssh-added">
              <Typography variant="body2">
                Added <b>{added.address}</b>. Host key pinned:
              </Typography>
              <Typography variant="body2" sx={{ fontFamily: monoFont, my: 1, wordBreak: 'break-all' }}>
                {added.hostKey?.type} {added.hostKey?.fingerprint}
              </Typography>
              <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
                It is in the fleet as a host without an agent (agentless deploys work now). Provision the agent to manage it like
                any other device: check, upload, install as a service, start and pair, in one job.
              </Typography>
              <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', mb: 2 }}>
                <TextField size="small" label="Agent port" value={agentPort} onChange={(e) => setAgentPort(e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'ssh-agent-port', inputMode: 'numeric' } }} />
                <TextField size="small" label="Inference port (0: any)" value={servePort} onChange={(e) => setServePort(e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'ssh-serve-port', inputMode: 'numeric' } }} />
                <FormControlLabel control={<Checkbox checked={mdns} onChange={(e) => setMdns(e.target.checked)} slotProps={{ input: { 'data-testid': 'ssh-mdns' } as object }} />} label="Advertise (mDNS)" />
              </Box>
              {runner.job && <JobProgress job={runner.job} testId="ssh-provision-progress" />}
            </Box>
          )}
          {(error ?? runner.error) && <ErrorCard error={(error ?? runner.error)!} />}
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={busy || running}>
            {added ? 'Close' : 'Cancel'}
          </Button>
          {!added ? (
            <Button type="submit" variant="contained" disabled={!valid || busy} data-testid="ssh-add-submit">
              {busy ? 'Connecting…' : 'Add host'}
            </Button>
          ) : (
            <Button variant="contained" onClick={provision} disabled={running || !portsValid || runner.job?.state === 'succeeded'} data-testid="ssh-provision">
              Provision agent
            </Button>
          )}
        </DialogActions>
      </Box>
    </Dialog>
  );
}

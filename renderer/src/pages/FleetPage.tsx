import AddIcon from '@mui/icons-material/Add';
import DeveloperBoardIcon from '@mui/icons-material/DeveloperBoard';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import RocketLaunchIcon from '@mui/icons-material/RocketLaunch';
import SearchIcon from '@mui/icons-material/Search';
import { Box, Button, Card, Grid, IconButton, InputAdornment, TextField, Tooltip, Typography } from '@mui/material';
import CloseIcon from '@mui/icons-material/Close';
import { lazy, Suspense, useCallback, useDeferredValue, useMemo, useState } from 'react';
import type { DeviceListItem, DeviceState, ErrorData } from '../../../electron/core/api/types.js';
import { toErrorData } from '../api/api-error.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorCard } from '../components/ErrorCard.js';
import { isActiveJob } from '../components/JobProgress.js';
import { Page } from '../components/Page.js';
import { SectionCard } from '../components/SectionCard.js';
import { StatCard } from '../components/StatCard.js';
import { useApi } from '../store/useApi.js';
import { useJobRunner } from '../store/useJobRunner.js';
import { AddDeviceDialog } from './fleet/AddDeviceDialog.js';
import { deviceStates, stateLabel } from './fleet/device-look.js';
import { DevicesGrid } from './fleet/DevicesGrid.js';
import { PairDialog } from './fleet/PairDialog.js';
import { SerialPortsButton, SerialPortsDialog } from './fleet/SerialPortsDialog.js';
import { AddSshHostButton, AddSshHostDialog } from './fleet/AddSshHostDialog.js';
import { useDeviceList } from './fleet/useDeviceList.js';

// Deploying needs MUI X's data grid: it loads when first used, not before the fleet's first render.
const DeployDialog = lazy(() => import('./fleet/DeployDialog.js').then((m) => ({ default: m.DeployDialog })));
const DeployProgress = lazy(() => import('./fleet/DeployProgress.js').then((m) => ({ default: m.DeployProgress })));

const emptySelection: ReadonlySet<string> = new Set();

/** The ticked ids among the rows shown (a filter hides, and so unticks, the others). */
function selectedIds(ticked: ReadonlySet<string>, rows: DeviceListItem[]): string[] {
  return ticked.size === 0 ? [] : rows.filter((r) => ticked.has(r.id)).map((r) => r.id);
}

function matches(d: DeviceListItem, text: string): boolean {
  if (!text) return true;
  const hay = `${d.name} ${d.id} ${d.address} ${d.activeModel?.name ?? ''} ${d.arch ?? ''} ${d.tags.join(' ')} ${d.groups.join(' ')}`.toLowerCase();
  return text.split(/\s+/).every((w) => hay.includes(w));
}

/** Native selects for the toolbar: fast with long lists, and each has an "all" choice. */
function FilterSelect({ label, value, onChange, options, testId }: { label: string; value: string; onChange: (v: string) => void; options: { value: string; label: string }[]; testId: string }) {
  return (
    <TextField
      select
      label={label}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      sx={{ minWidth: 160 }}
      slotProps={{ select: { native: true }, inputLabel: { shrink: true }, htmlInput: { 'data-testid': testId } }}
    >
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </TextField>
  );
}

function FleetEmpty({ onAdd, onSerial, onSsh }: { onAdd: () => void; onSerial: () => void; onSsh: () => void }) {
  const client = useApi();
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
  const startDemo = async () => {
    setStarting(true);
    setError(null);
    try {
      await client.invoke('demo.start', { devices: 4 });
      // The list refetches on the devices.changed events the demo agents cause.
    } catch (err) {
      setError(toErrorData(err));
    } finally {
      setStarting(false);
    }
  };
  return (
    <>
      <EmptyState
        icon={<DeveloperBoardIcon />}
        title="No devices yet"
        testId="fleet-empty"
        action={
          <>
            <Button variant="contained" startIcon={<PlayArrowIcon />} onClick={() => void startDemo()} disabled={starting} data-testid="start-demo">
              {starting ? 'Starting demo fleet…' : 'Start demo fleet'}
            </Button>
            <Button variant="outlined" startIcon={<AddIcon />} onClick={onAdd} data-testid="add-device-empty">
              Add device by address
            </Button>
            <SerialPortsButton onOpen={onSerial} />
            <AddSshHostButton onOpen={onSsh} />
          </>
        }
      >
        <p style={{ margin: 0 }}>
          Devices appear here once the EdgeFleet agent runs on them. Agents on this network announce themselves over
          <strong> mDNS</strong> and show up as <em>Discovered</em>; pair each one with the code it displays. Bench boards on USB
          serial are found under <em>Serial ports</em>; Linux hosts without an agent are added over SSH, which can install
          the agent for you. An agent on another subnet can be added by its address.
        </p>
        <p style={{ marginBottom: 0 }}>
          No hardware at hand? The demo fleet starts four simulated agents on this workstation, so you can try deploys,
          trials and rollbacks.
        </p>
      </EmptyState>
      {error && <ErrorCard error={error} onRetry={() => void startDemo()} />}
    </>
  );
}

/** The devices EdgeFleet knows: summary, filters, a virtualized grid, pairing, adding and deploying. */
export function FleetPage() {
  const devices = useDeviceList();
  const all = useMemo(() => devices.data ?? [], [devices.data]);
  const [text, setText] = useState('');
  const [stateFilter, setStateFilter] = useState('');
  const [labelFilter, setLabelFilter] = useState('');
  const [selection, setSelection] = useState<ReadonlySet<string>>(emptySelection);
  const [pairing, setPairing] = useState<DeviceListItem | null>(null);
  const [adding, setAdding] = useState(false);
  const [serialOpen, setSerialOpen] = useState(false);
  const [sshOpen, setSshOpen] = useState(false);
  const [deployOpen, setDeployOpen] = useState(false);
  // Mounted from the first open on, so the dialog keeps its choices between opens.
  const [deployUsed, setDeployUsed] = useState(false);
  const [deployTargets, setDeployTargets] = useState<string[]>([]);
  const deploy = useJobRunner();
  const search = useDeferredValue(text.trim().toLowerCase());

  const counts = useMemo(() => {
    const c = { total: all.length, online: 0, trial: 0, errors: 0, discovered: 0 };
    for (const d of all) {
      if (d.state === 'online') c.online++;
      if (d.state === 'trial' || d.slotState === 'trial') c.trial++;
      if (d.state === 'error' || d.health === 'error') c.errors++;
      if (d.state === 'discovered') c.discovered++;
    }
    return c;
  }, [all]);

  const labelOptions = useMemo(() => {
    const groups = new Set<string>();
    const tags = new Set<string>();
    for (const d of all) {
      for (const g of d.groups) groups.add(g);
      for (const t of d.tags) tags.add(t);
    }
    const sort = (s: Set<string>) => [...s].sort((a, b) => a.localeCompare(b));
    return [
      { value: '', label: 'All groups and tags' },
      ...sort(groups).map((g) => ({ value: `group:${g}`, label: `Group: ${g}` })),
      ...sort(tags).map((t) => ({ value: `tag:${t}`, label: `Tag: ${t}` })),
    ];
  }, [all]);

  const stateOptions = useMemo(
    () => [{ value: '', label: 'All states' }, ...deviceStates.map((s) => ({ value: s, label: stateLabel(s) }))],
    [],
  );

  const rows = useMemo(() => {
    const [kind, name] = labelFilter ? [labelFilter.slice(0, labelFilter.indexOf(':')), labelFilter.slice(labelFilter.indexOf(':') + 1)] : ['', ''];
    return all.filter(
      (d) =>
        (!stateFilter || d.state === (stateFilter as DeviceState)) &&
        (!kind || (kind === 'group' ? d.groups.includes(name) : d.tags.includes(name))) &&
        matches(d, search),
    );
  }, [all, stateFilter, labelFilter, search]);

  const selected = useMemo(() => selectedIds(selection, rows), [selection, rows]);
  const onPair = useCallback((d: DeviceListItem) => setPairing(d), []);
  const filtered = rows.length !== all.length;
  const deployJob = deploy.job;

  const openDeploy = () => {
    setDeployTargets(selected);
    setDeployOpen(true);
    setDeployUsed(true);
  };

  const loadedEmpty = !devices.error && devices.data !== undefined && all.length === 0;

  return (
    <Page
      testId="page-fleet"
      title="Fleet"
      subtitle="Edge devices, their status and the model each one runs."
      actions={
        !loadedEmpty && (
          <>
            <Button variant="outlined" startIcon={<AddIcon />} onClick={() => setAdding(true)} data-testid="add-device">
              Add device
            </Button>
            <SerialPortsButton onOpen={() => setSerialOpen(true)} />
            <AddSshHostButton onOpen={() => setSshOpen(true)} />
            <Tooltip title={selected.length === 0 ? 'Tick devices in the grid first' : ''}>
              <span>
                <Button
                  variant="contained"
                  startIcon={<RocketLaunchIcon />}
                  disabled={selected.length === 0}
                  onClick={openDeploy}
                  data-testid="deploy-open"
                >
                  Deploy{selected.length ? ` to ${selected.length}` : ''}
                </Button>
              </span>
            </Tooltip>
          </>
        )
      }
    >
      {devices.error && <ErrorCard error={devices.error} onRetry={devices.reload} />}
      {loadedEmpty && <FleetEmpty onAdd={() => setAdding(true)} onSerial={() => setSerialOpen(true)} onSsh={() => setSshOpen(true)} />}
      {!loadedEmpty && (
        <>
          <Grid container spacing={2}>
            <Grid size={{ xs: 6, md: 3 }}>
              <StatCard label="Devices" value={counts.total.toLocaleString('en-US')} hint={counts.discovered ? `${counts.discovered} waiting to be paired` : 'all paired'} testId="fleet-total" />
            </Grid>
            <Grid size={{ xs: 6, md: 3 }}>
              <StatCard label="Online" value={<Box component="span" sx={{ color: 'success.main' }}>{counts.online.toLocaleString('en-US')}</Box>} hint="serving their active model" testId="fleet-online" />
            </Grid>
            <Grid size={{ xs: 6, md: 3 }}>
              <StatCard label="On trial" value={<Box component="span" sx={{ color: counts.trial ? 'warning.main' : undefined }}>{counts.trial.toLocaleString('en-US')}</Box>} hint="waiting for confirm or rollback" testId="fleet-trial" />
            </Grid>
            <Grid size={{ xs: 6, md: 3 }}>
              <StatCard label="Errors" value={<Box component="span" sx={{ color: counts.errors ? 'error.main' : undefined }}>{counts.errors.toLocaleString('en-US')}</Box>} hint="in error or unhealthy" testId="fleet-errors" />
            </Grid>
          </Grid>
          {deployJob && !deployOpen && (
            <SectionCard
              title="Deployment"
              subtitle={deployJob.title}
              testId="deploy-card"
              actions={
                !isActiveJob(deployJob) && (
                  <IconButton size="small" aria-label="Dismiss" onClick={deploy.reset}>
                    <CloseIcon fontSize="small" />
                  </IconButton>
                )
              }
            >
              <Suspense fallback={null}>
                <DeployProgress job={deployJob} onCancel={deploy.cancel} />
              </Suspense>
            </SectionCard>
          )}
          <Card>
            <Box sx={{ display: 'flex', gap: 1.5, p: 1.5, alignItems: 'center', flexWrap: 'wrap', borderBottom: 1, borderColor: 'divider' }}>
              <TextField
                placeholder="Search name, address, model, tag…"
                value={text}
                onChange={(e) => setText(e.target.value)}
                sx={{ minWidth: 280, flex: '0 1 360px' }}
                slotProps={{
                  htmlInput: { 'data-testid': 'fleet-search', 'aria-label': 'Search devices' },
                  input: {
                    startAdornment: (
                      <InputAdornment position="start">
                        <SearchIcon fontSize="small" />
                      </InputAdornment>
                    ),
                  },
                }}
              />
              <FilterSelect label="State" value={stateFilter} onChange={setStateFilter} options={stateOptions} testId="fleet-state-filter" />
              <FilterSelect label="Group / tag" value={labelFilter} onChange={setLabelFilter} options={labelOptions} testId="fleet-label-filter" />
              <Box sx={{ flex: 1 }} />
              <Typography variant="body2" color="text.secondary" data-testid="fleet-count" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                {filtered ? `${rows.length.toLocaleString('en-US')} of ${all.length.toLocaleString('en-US')} devices` : `${all.length.toLocaleString('en-US')} devices`}
                {selected.length > 0 && ` · ${selected.length.toLocaleString('en-US')} selected`}
              </Typography>
              {(filtered || selected.length > 0) && (
                <Button
                  size="small"
                  color="inherit"
                  onClick={() => {
                    setText('');
                    setStateFilter('');
                    setLabelFilter('');
                    setSelection(emptySelection);
                  }}
                >
                  Clear
                </Button>
              )}
            </Box>
            {/* Shrinks to a small fleet; a big one fills the window (header 40 + rows of 38, plus room for a horizontal scrollbar). */}
            <Box sx={{ height: `min(calc(100vh - 340px), ${56 + Math.max(rows.length, 4) * 38}px)`, minHeight: 240 }} data-testid="device-grid">
              <DevicesGrid rows={rows} loading={devices.loading && devices.data === undefined} selected={selection} onSelectionChange={setSelection} onPair={onPair} />
            </Box>
          </Card>
        </>
      )}
      <AddDeviceDialog
        open={adding}
        onClose={() => setAdding(false)}
        onAdded={(d) => {
          setAdding(false);
          devices.reload();
          if (!d.paired) setPairing(d);
        }}
      />
      <PairDialog key={pairing?.id ?? 'none'} device={pairing} onClose={() => setPairing(null)} onPaired={() => devices.reload()} />
      {/* Kept here, not beside their buttons: pairing the first device swaps the empty page for the grid. */}
      {serialOpen && <SerialPortsDialog onClose={() => setSerialOpen(false)} onPaired={() => devices.reload()} />}
      {sshOpen && (
        <AddSshHostDialog
          onClose={() => {
            setSshOpen(false);
            devices.reload();
          }}
        />
      )}
      {deployUsed && (
        <Suspense fallback={null}>
          <DeployDialog
            open={deployOpen}
            onClose={() => setDeployOpen(false)}
            deviceIds={deployTargets}
            targetLabel={`${deployTargets.length.toLocaleString('en-US')} device${deployTargets.length === 1 ? '' : 's'}`}
            runner={deploy}
          />
        </Suspense>
      )}
    </Page>
  );
}

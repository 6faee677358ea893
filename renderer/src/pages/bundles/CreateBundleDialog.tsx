import { Autocomplete, Box, Button, Checkbox, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, FormGroup, FormLabel, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import { ErrorCard } from '../../components/ErrorCard.js';
import { formatBytes, formatTime } from '../../format/format.js';
import { useRequest } from '../../store/useRequest.js';
import { formatDaysLeft } from './bundle-expiry.js';
import { Fingerprint } from './Fingerprint.js';
import { PathField } from './PathField.js';
import { useAction } from './useAction.js';

const archs = ['arm64', 'x64'] as const;

/** `edgefleet bundle create` from the UI: a signed site bundle written into an empty folder, cut into parts. */
export function CreateBundleDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const models = useRequest('models.list', open ? {} : null);
  const create = useAction('bundles.create');
  const [site, setSite] = useState('');
  const [modelIds, setModelIds] = useState<string[]>([]);
  const [agents, setAgents] = useState<string[]>([]);
  const [days, setDays] = useState('30');
  const [planFile, setPlanFile] = useState('');
  const [outDir, setOutDir] = useState('');
  const created = create.result;
  const daysNum = Number(days);
  const valid = site.trim() !== '' && outDir.trim() !== '' && Number.isInteger(daysNum) && daysNum >= 1 && daysNum <= 365;
  const options = models.data ?? [];

  const close = () => {
    if (create.busy) return;
    create.reset();
    onClose();
  };
  const submit = () =>
    void create.run({
      site: site.trim(),
      models: modelIds,
      agentArchs: agents as ('arm64' | 'x64')[],
      expiresInDays: daysNum,
      ...(planFile.trim() ? { planFile: planFile.trim() } : {}),
      outDir: outDir.trim(),
    });
  const root = created?.rootFingerprints[created.rootFingerprints.length - 1];

  return (
    <Dialog open={open} onClose={close} maxWidth="md" fullWidth data-testid="bundle-create-dialog">
      <DialogTitle>{created ? `Bundle ${created.header.id} for site ${created.header.site}` : 'Create bundle'}</DialogTitle>
      <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
        {created && root ? (
          <Box data-testid="bundle-created" sx={{ display: 'flex', flexDirection: 'column', gap: 2, mt: 1 }}>
            <Fingerprint label={`Root fingerprint (v${root.version})`} value={root.sha256} testId="bundle-root-fingerprint">
              At the site, the first import needs that fingerprint, given by a channel other than the stick (read it out on the phone, send it by mail): a bundle can carry any root, so the stick cannot vouch for itself.
            </Fingerprint>
            <Box sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 2, rowGap: 0.5 }}>
              <Typography variant="body2" color="text.secondary">
                Folder
              </Typography>
              <Typography variant="body2" sx={{ fontFamily: 'monospace', overflowWrap: 'anywhere' }}>
                {created.dir}
              </Typography>
              <Typography variant="body2" color="text.secondary">
                Expires
              </Typography>
              <Typography variant="body2" data-testid="bundle-created-expires">
                {formatTime(created.header.expires)} ({formatDaysLeft(created.header.expires)})
              </Typography>
              <Typography variant="body2" color="text.secondary">
                Parts
              </Typography>
              <Typography variant="body2" data-testid="bundle-created-parts">
                {created.parts.length} part{created.parts.length === 1 ? '' : 's'}, {formatBytes(created.bytes)}; check a copy with <code>(cd DIR && sha256sum -c SHA256SUMS)</code>
              </Typography>
              <Typography variant="body2" color="text.secondary">
                Contents
              </Typography>
              <Box>
                {created.header.contents.map((c) => (
                  <Typography key={c.path} variant="body2" sx={{ fontFamily: 'monospace', overflowWrap: 'anywhere' }}>
                    {c.kind.padEnd(10, '\u00a0')} {c.path} ({formatBytes(c.bytes)})
                  </Typography>
                ))}
              </Box>
            </Box>
          </Box>
        ) : (
          <>
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
              A release for a site with no network, as files: the plan, agent builds and models, signed by this console's release authority and cut into parts under FAT32's 4 GiB limit. Give a plan, models or agent builds.
            </Typography>
            <TextField
              required
              label="Site"
              placeholder="plant-7"
              value={site}
              onChange={(e) => setSite(e.target.value)}
              helperText="The site the bundle is for; a site console refuses bundles for another site"
              slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'data-testid': 'bundle-site-input', spellCheck: false } }}
            />
            <Autocomplete
              multiple
              options={options.map((m) => m.id)}
              value={modelIds}
              onChange={(_e, v) => setModelIds(v)}
              loading={models.loading}
              getOptionLabel={(id) => {
                const m = options.find((x) => x.id === id);
                return m ? `${m.name} v${m.version}` : id;
              }}
              renderInput={(params) => (
                <TextField
                  {...params}
                  label="Models"
                  placeholder={modelIds.length ? '' : 'Models to carry besides the plan’s'}
                  slotProps={{ ...params.slotProps, inputLabel: { ...params.slotProps?.inputLabel, shrink: true }, htmlInput: { ...params.slotProps?.htmlInput, 'data-testid': 'bundle-models-input' } }}
                />
              )}
              slotProps={{ listbox: { 'data-testid': 'bundle-models-options' } as object }}
            />
            <Box>
              <FormLabel component="legend" sx={{ fontSize: 12 }}>
                Agent builds to carry, per architecture
              </FormLabel>
              <FormGroup row>
                {archs.map((a) => (
                  <FormControlLabel
                    key={a}
                    label={`linux-${a}`}
                    control={
                      <Checkbox
                        checked={agents.includes(a)}
                        onChange={(e) => setAgents((cur) => (e.target.checked ? [...cur, a] : cur.filter((x) => x !== a)))}
                        slotProps={{ input: { 'data-testid': `bundle-agent-${a}` } as object }}
                      />
                    }
                  />
                ))}
              </FormGroup>
            </Box>
            <TextField
              label="Expires in days"
              type="number"
              value={days}
              onChange={(e) => setDays(e.target.value)}
              error={!valid && days !== '' && !(Number.isInteger(daysNum) && daysNum >= 1 && daysNum <= 365)}
              helperText="How long the bundle may take to reach the site and be installed (1–365)"
              sx={{ maxWidth: 460 }}
              slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'data-testid': 'bundle-expires-input', min: 1, max: 365 } }}
            />
            <PathField
              label="Plan file (optional)"
              placeholder="/home/me/plant-7/PLAN.json"
              value={planFile}
              onChange={setPlanFile}
              testId="bundle-plan-input"
              helperText='Waves to run at the site: {"waves": [{"model", "target", "stages", "gates", "soakMs", "policy", "hold"}]}'
            />
            <PathField
              required
              label="Output folder"
              placeholder="/media/usb/plant-7"
              value={outDir}
              onChange={setOutDir}
              testId="bundle-out-input"
              helperText="An empty folder for the parts, SHA256SUMS and bundle-info.json, on the computer running the console"
            />
          </>
        )}
        {create.error && <ErrorCard error={create.error} />}
      </DialogContent>
      <DialogActions>
        {created ? (
          <Button variant="contained" onClick={close} data-testid="bundle-create-done">
            Done
          </Button>
        ) : (
          <>
            <Button onClick={close} disabled={create.busy}>
              Cancel
            </Button>
            <Button variant="contained" onClick={submit} disabled={!valid || create.busy} data-testid="bundle-create-submit">
              {create.busy ? 'Writing…' : 'Create bundle'}
            </Button>
          </>
        )}
      </DialogActions>
    </Dialog>
  );
}

import CheckIcon from '@mui/icons-material/Check';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import { Autocomplete, Box, Button, Chip, IconButton, TextField, Tooltip, Typography } from '@mui/material';
import { useState } from 'react';
import type { DeviceDetail, ErrorData } from '../../../../electron/core/api/types.js';
import { toErrorData } from '../../api/api-error.js';
import { ErrorCard } from '../../components/ErrorCard.js';
import { SectionCard } from '../../components/SectionCard.js';
import { useApi } from '../../store/useApi.js';
import { monoFont } from '../../theme.js';
import { transportLabel } from '../fleet/device-look.js';
import { Fact } from './Fact.js';

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Tooltip title={copied ? 'Copied' : `Copy ${label}`}>
      <IconButton
        size="small"
        aria-label={`Copy ${label}`}
        data-testid="copy-fingerprint"
        onClick={() => {
          void navigator.clipboard?.writeText(text).then(() => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          });
        }}
        sx={{ ml: 0.5, p: 0.25 }}
      >
        {copied ? <CheckIcon fontSize="inherit" /> : <ContentCopyIcon fontSize="inherit" />}
      </IconButton>
    </Tooltip>
  );
}

function LabelsField({ label, value, onChange, testId }: { label: string; value: string[]; onChange: (v: string[]) => void; testId: string }) {
  return (
    <Autocomplete
      multiple
      freeSolo
      options={[]}
      value={value}
      onChange={(_e, v) => onChange([...new Set(v.map((s) => s.trim()).filter(Boolean))])}
      renderValue={(items, getItemProps) =>
        items.map((option, index) => {
          const { key, ...itemProps } = getItemProps({ index });
          return <Chip key={key} label={option} {...itemProps} />;
        })
      }
      renderInput={(params) => (
        <TextField {...params} label={label} placeholder={value.length ? '' : 'Type and press Enter'} slotProps={{ ...params.slotProps, htmlInput: { ...params.slotProps.htmlInput, 'data-testid': testId } }} />
      )}
    />
  );
}

interface Draft {
  name: string;
  tags: string[];
  groups: string[];
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Who the device is (id, address, pinned certificate) and the names people give it: name, groups, tags. */
export function IdentityCard({ device, onSaved }: { device: DeviceDetail; onSaved: () => void }) {
  const client = useApi();
  // null while untouched, so refetches show through; a draft once edited.
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
  const current: Draft = draft ?? { name: device.name, tags: device.tags, groups: device.groups };
  const edit = (patch: Partial<Draft>) => setDraft({ ...current, ...patch });
  const dirty = draft !== null && (draft.name.trim() !== device.name || !same(draft.tags, device.tags) || !same(draft.groups, device.groups));
  const nameValid = current.name.trim().length > 0 && current.name.trim().length <= 100;

  const save = async () => {
    if (!draft || !nameValid) return;
    setSaving(true);
    setError(null);
    try {
      await client.invoke('devices.update', {
        id: device.id,
        ...(draft.name.trim() !== device.name ? { name: draft.name.trim() } : {}),
        ...(!same(draft.tags, device.tags) ? { tags: draft.tags } : {}),
        ...(!same(draft.groups, device.groups) ? { groups: draft.groups } : {}),
      });
      setDraft(null);
      onSaved();
    } catch (err) {
      setError(toErrorData(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <SectionCard
      title="Identity"
      subtitle="The name, groups and tags are yours; the rest comes from the agent."
      testId="device-identity"
      actions={
        dirty && (
          <>
            <Button size="small" color="inherit" onClick={() => { setDraft(null); setError(null); }} disabled={saving}>
              Discard
            </Button>
            <Button size="small" variant="contained" onClick={() => void save()} disabled={saving || !nameValid} data-testid="device-save">
              {saving ? 'Saving…' : 'Save'}
            </Button>
          </>
        )
      }
    >
      <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
        <TextField
          label="Name"
          value={current.name}
          onChange={(e) => edit({ name: e.target.value })}
          error={!nameValid}
          helperText={nameValid ? undefined : '1 to 100 characters'}
          slotProps={{ htmlInput: { 'data-testid': 'device-name-input', maxLength: 100 } }}
        />
        <LabelsField label="Groups" value={current.groups} onChange={(groups) => edit({ groups })} testId="device-groups-input" />
        <LabelsField label="Tags" value={current.tags} onChange={(tags) => edit({ tags })} testId="device-tags-input" />
        {error && <ErrorCard error={error} />}
        <Box component="dl" sx={{ m: 0, display: 'grid', gridTemplateColumns: 'auto 1fr', columnGap: 2, rowGap: 0.75, alignItems: 'baseline' }}>
          <Fact label="Id" testId="device-id">
            <span style={{ fontFamily: monoFont, fontSize: 12 }}>{device.id}</span>
          </Fact>
          <Fact label="Address">
            <span style={{ fontFamily: monoFont, fontSize: 12 }}>{device.address}</span>
          </Fact>
          <Fact label="Transport">{transportLabel[device.transport] ?? device.transport}</Fact>
          <Fact label="Fingerprint" testId="device-fingerprint">
            {device.fingerprint ? (
              <Box component="span" sx={{ display: 'inline-flex', alignItems: 'flex-start' }}>
                <Box component="span" sx={{ fontFamily: monoFont, fontSize: 12, wordBreak: 'break-all' }} title="SHA-256 of the agent's certificate, pinned at pairing">
                  {device.fingerprint}
                </Box>
                <CopyButton text={device.fingerprint} label="fingerprint" />
              </Box>
            ) : (
              <Typography component="span" variant="body2" color="text.secondary">
                not paired yet
              </Typography>
            )}
          </Fact>
          <Fact label="Architecture">{device.arch ?? '–'}</Fact>
          <Fact label="Agent">{device.agentVersion ?? '–'}</Fact>
        </Box>
      </Box>
    </SectionCard>
  );
}

import DownloadIcon from '@mui/icons-material/Download';
import RefreshIcon from '@mui/icons-material/Refresh';
import ReceiptLongIcon from '@mui/icons-material/ReceiptLong';
import { Box, Button, Card, TextField, Typography } from '@mui/material';
import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import type { ErrorData } from '../../../electron/core/api/types.js';
import { toErrorData } from '../api/api-error.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorCard } from '../components/ErrorCard.js';
import { Page } from '../components/Page.js';
import { useApi } from '../store/useApi.js';
import { useRequest } from '../store/useRequest.js';
import { useReloadOn } from './rollouts/useEventTick.js';
import { auditQuery, emptyAuditFilter, type AuditFilterState } from './audit/audit-filter.js';
import { AuditTable } from './audit/AuditTable.js';
import { downloadText } from './audit/download-text.js';

const limit = 2000;

const outcomes = [
  { value: '', label: 'Any outcome' },
  { value: 'succeeded', label: 'Succeeded' },
  { value: 'failed', label: 'Failed' },
  { value: 'refused', label: 'Refused' },
  { value: 'started', label: 'Started' },
];

/** The append-only audit log: who did what to which target, with what outcome; filter and export. */
export function AuditPage() {
  const client = useApi();
  const [filter, setFilter] = useState<AuditFilterState>(emptyAuditFilter);
  const deferred = useDeferredValue(filter);
  const query = useMemo(() => auditQuery(deferred), [deferred]);
  const entries = useRequest('audit.list', { ...query, limit });
  // Operations seen so far, so the choice stays complete while a filter narrows the list.
  const all = useRequest('audit.list', { limit });
  // Jobs, rollouts, A/B assignments and model changes write entries: show them as they come.
  const reload = useCallback(() => {
    entries.reload();
    all.reload();
  }, [entries.reload, all.reload]);
  useReloadOn(['jobs.updated', 'rollouts.changed', 'ab.changed', 'models.changed'], reload, 1000);
  const actions = useMemo(() => [...new Set([...(all.data ?? []).map((e) => e.action), ...(filter.action ? [filter.action] : [])])].sort(), [all.data, filter.action]);
  const [exportError, setExportError] = useState<ErrorData | null>(null);
  const [exporting, setExporting] = useState<'' | 'csv' | 'json'>('');

  const set = (patch: Partial<AuditFilterState>) => setFilter((f) => ({ ...f, ...patch }));
  const filtered = Object.values(filter).some(Boolean);
  const rows = entries.data ?? [];

  const exportAs = async (format: 'csv' | 'json') => {
    setExporting(format);
    setExportError(null);
    try {
      const { text } = await client.invoke('audit.export', { format, ...query });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
      downloadText(text, `edgefleet-audit-${stamp}.${format}`, format === 'csv' ? 'text/csv' : 'application/json');
    } catch (err) {
      setExportError(toErrorData(err));
    } finally {
      setExporting('');
    }
  };

  const field = (key: 'actor' | 'target', label: string, placeholder: string) => (
    <TextField
      label={label}
      placeholder={placeholder}
      value={filter[key]}
      onChange={(e) => set({ [key]: e.target.value })}
      sx={{ minWidth: 170, flex: '0 1 200px' }}
      slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'data-testid': `audit-${key}` } }}
    />
  );
  const time = (key: 'since' | 'until', label: string) => (
    <TextField
      type="datetime-local"
      label={label}
      value={filter[key]}
      onChange={(e) => set({ [key]: e.target.value })}
      sx={{ minWidth: 200 }}
      slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'data-testid': `audit-${key}`, step: 1 } }}
    />
  );

  return (
    <Page
      testId="page-audit"
      title="Audit log"
      subtitle="Every operation, by whom, on what, with which parameters and outcome. Entries are never changed or removed."
      actions={
        <>
          <Button variant="outlined" startIcon={<RefreshIcon />} onClick={() => entries.reload()} data-testid="audit-refresh">
            Refresh
          </Button>
          <Button variant="outlined" startIcon={<DownloadIcon />} disabled={exporting !== ''} onClick={() => void exportAs('csv')} data-testid="audit-export-csv">
            Export CSV
          </Button>
          <Button variant="outlined" startIcon={<DownloadIcon />} disabled={exporting !== ''} onClick={() => void exportAs('json')} data-testid="audit-export-json">
            Export JSON
          </Button>
        </>
      }
    >
      {exportError && <ErrorCard error={exportError} onRetry={() => setExportError(null)} retryLabel="Dismiss" />}
      {entries.error && <ErrorCard error={entries.error} onRetry={entries.reload} />}
      <Card>
        <Box sx={{ display: 'flex', gap: 1.5, p: 1.5, alignItems: 'center', flexWrap: 'wrap', borderBottom: 1, borderColor: 'divider' }}>
          {field('actor', 'Who', 'e.g. engine')}
          <TextField
            select
            label="Operation"
            value={filter.action}
            onChange={(e) => set({ action: e.target.value })}
            sx={{ minWidth: 200 }}
            slotProps={{ select: { native: true }, inputLabel: { shrink: true }, htmlInput: { 'data-testid': 'audit-action' } }}
          >
            <option value="">Any operation</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </TextField>
          {field('target', 'Target (exact)', 'e.g. id:r_12')}
          <TextField
            select
            label="Outcome"
            value={filter.outcome}
            onChange={(e) => set({ outcome: e.target.value as AuditFilterState['outcome'] })}
            sx={{ minWidth: 150 }}
            slotProps={{ select: { native: true }, inputLabel: { shrink: true }, htmlInput: { 'data-testid': 'audit-outcome-filter' } }}
          >
            {outcomes.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </TextField>
          {time('since', 'From')}
          {time('until', 'Until')}
          <Box sx={{ flex: 1 }} />
          <Typography variant="body2" color="text.secondary" data-testid="audit-count" sx={{ fontVariantNumeric: 'tabular-nums' }}>
            {rows.length >= limit ? `newest ${limit.toLocaleString('en-US')} entries` : `${rows.length.toLocaleString('en-US')} entr${rows.length === 1 ? 'y' : 'ies'}`}
          </Typography>
          {filtered && (
            <Button size="small" color="inherit" onClick={() => setFilter(emptyAuditFilter)} data-testid="audit-clear">
              Clear
            </Button>
          )}
        </Box>
        {!entries.loading && rows.length === 0 && !filtered ? (
          <Box sx={{ p: 2 }}>
            <EmptyState icon={<ReceiptLongIcon />} title="Nothing recorded yet" testId="audit-empty">
              Imports, deploys, rollouts, A/B assignments and rollbacks are recorded here as they happen.
            </EmptyState>
          </Box>
        ) : (
          <Box sx={{ height: 'calc(100vh - 300px)', minHeight: 360 }} data-testid="audit-table">
            <AuditTable entries={rows} loading={entries.loading && entries.data === undefined} />
          </Box>
        )}
      </Card>
    </Page>
  );
}

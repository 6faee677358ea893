import AddIcon from '@mui/icons-material/Add';
import Inventory2Icon from '@mui/icons-material/Inventory2';
import MoveToInboxIcon from '@mui/icons-material/MoveToInbox';
import { Alert, Box, Button, Card, LinearProgress, Typography } from '@mui/material';
import { useState } from 'react';
import type { ErrorData } from '../../../electron/core/api/types.js';
import type { ImportResult } from './bundles/bundle-types.js';
import { toErrorData } from '../api/api-error.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorCard } from '../components/ErrorCard.js';
import { Page } from '../components/Page.js';
import { SectionCard } from '../components/SectionCard.js';
import { useApi } from '../store/useApi.js';
import { useRequest } from '../store/useRequest.js';
import { BundlesTable } from './bundles/BundlesTable.js';
import { CreateBundleDialog } from './bundles/CreateBundleDialog.js';
import { ImportBundleDialog } from './bundles/ImportBundleDialog.js';
import { ImportReportDialog } from './bundles/ImportReportDialog.js';
import { SiteCard } from './bundles/SiteCard.js';
import { WriteReportDialog } from './bundles/WriteReportDialog.js';
import { useReloadOn } from './rollouts/useEventTick.js';

type Open = '' | 'create' | 'import' | 'report' | 'report-import';

/** Site bundles for air-gapped sites: made here and carried in by hand, or imported here and run on this site's devices. */
export function BundlesPage() {
  const client = useApi();
  const list = useRequest('bundles.list', {});
  // A wave's state follows its rollout.
  useReloadOn(['rollouts.changed'], list.reload, 500);
  const [open, setOpen] = useState<Open>('');
  const [imported, setImported] = useState<ImportResult | null>(null);
  const [runningId, setRunningId] = useState<string | null>(null);
  const [runError, setRunError] = useState<ErrorData | null>(null);
  const bundles = list.data?.bundles ?? [];

  const run = async (id: string, proceed: boolean) => {
    setRunningId(id);
    setRunError(null);
    try {
      await client.invoke('bundles.run', { id, proceed });
    } catch (err) {
      setRunError(toErrorData(err));
    } finally {
      setRunningId(null);
      list.reload();
    }
  };
  const onImported = (r: ImportResult) => {
    setOpen('');
    setImported(r);
    list.reload();
  };

  return (
    <Page
      testId="page-bundles"
      title="Site bundles"
      subtitle="Releases for sites with no network, carried in as signed files; the site's results carried back the same way."
      actions={
        <>
          <Button variant="outlined" startIcon={<MoveToInboxIcon />} onClick={() => setOpen('import')} data-testid="bundle-import">
            Import bundle
          </Button>
          <Button variant="contained" startIcon={<AddIcon />} onClick={() => setOpen('create')} data-testid="bundle-create">
            Create bundle
          </Button>
        </>
      }
    >
      {list.error && <ErrorCard error={list.error} onRetry={list.reload} />}
      {runError && <ErrorCard error={runError} onRetry={() => setRunError(null)} retryLabel="Dismiss" />}
      {imported && (
        <Alert severity="success" onClose={() => setImported(null)} data-testid="bundle-import-notice">
          {imported.already ? 'Already imported (nothing changed): ' : 'Imported '}bundle {imported.bundle.id} for site {imported.bundle.site}
          {imported.clockFromBundle ? '; time was judged from the bundle, as this console’s clock is behind (audited)' : ''}.
        </Alert>
      )}
      {list.data && <SiteCard site={list.data.site} />}
      {list.loading && !list.data && <LinearProgress />}
      {list.data &&
        (bundles.length === 0 ? (
          <EmptyState icon={<Inventory2Icon />} title="No bundle imported" testId="bundles-empty" action={<Button variant="outlined" onClick={() => setOpen('import')}>Import bundle</Button>}>
            On the connected console, create a bundle into a folder on a USB stick; carry it to the site and import it here. Its plan then runs with the rollout engine on this site's devices, pausing for a person where the plan says so.
          </EmptyState>
        ) : (
          <Card>
            <BundlesTable bundles={bundles} runningId={runningId} onRun={(id, proceed) => void run(id, proceed)} />
          </Card>
        ))}
      <SectionCard title="Reports" subtitle="Per-device results, signed by each device and by the site console, carried back to the connected console.">
        <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap', alignItems: 'center' }}>
          <Button variant="outlined" onClick={() => setOpen('report')} data-testid="bundle-report">
            Write report bundle
          </Button>
          <Typography variant="body2" color="text.secondary" sx={{ flex: '1 1 260px' }}>
            At the site: every paired device's report and the plans' results, into a folder for the way back.
          </Typography>
          <Button variant="outlined" onClick={() => setOpen('report-import')} data-testid="bundle-report-import">
            Import site report
          </Button>
          <Typography variant="body2" color="text.secondary" sx={{ flex: '1 1 260px' }}>
            At the connected console: verify it and record the offline installs in the audit log.
          </Typography>
        </Box>
      </SectionCard>
      <CreateBundleDialog open={open === 'create'} onClose={() => setOpen('')} />
      <ImportBundleDialog open={open === 'import'} onClose={() => setOpen('')} onImported={onImported} />
      <WriteReportDialog open={open === 'report'} onClose={() => setOpen('')} />
      <ImportReportDialog open={open === 'report-import'} onClose={() => setOpen('')} />
    </Page>
  );
}

import AddIcon from '@mui/icons-material/Add';
import ViewInArIcon from '@mui/icons-material/ViewInAr';
import { Box, Button, Card, Link } from '@mui/material';
import { useEffect, useMemo, useState } from 'react';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorCard } from '../components/ErrorCard.js';
import { JobProgress } from '../components/JobProgress.js';
import { Page } from '../components/Page.js';
import { href } from '../router/hash-route.js';
import { useApi } from '../store/useApi.js';
import { useJobRunner } from '../store/useJobRunner.js';
import { useRequest } from '../store/useRequest.js';
import { ImportDialog } from './models/ImportDialog.js';
import { ModelsGrid } from './models/ModelsGrid.js';

/** The model registry: import, list, open. */
export function ModelsPage() {
  const client = useApi();
  const models = useRequest('models.list', {});
  const importer = useJobRunner();
  const [dialogOpen, setDialogOpen] = useState(false);
  const rows = useMemo(() => models.data ?? [], [models.data]);
  const { reload } = models;
  const done = importer.job?.state === 'succeeded';

  // The core announces new models with `models.changed`; reload too in case that event was missed.
  useEffect(() => {
    if (done) reload();
  }, [done, reload]);

  const importPath = async (path: string, name?: string) =>
    (await importer.start(() => client.invoke('models.import', name ? { path, name } : { path }))) !== null;

  const openImport = async () => {
    if (client.platform !== 'electron') {
      importer.clearError();
      setDialogOpen(true);
      return;
    }
    try {
      const { path } = await client.invoke('dialog.openModel', {});
      if (path) await importPath(path);
    } catch (err) {
      await importer.start(() => Promise.reject(err));
    }
  };

  const importSample = () => void importer.start(() => client.invoke('models.importSample', {}));
  const importedId = (importer.job?.result as { modelId?: string } | null)?.modelId;
  const empty = !models.loading && !models.error && rows.length === 0;

  return (
    <Page
      testId="page-models"
      title="Models"
      subtitle="The model registry on this workstation. Each import is checked, analysed and stored by content hash."
      actions={
        <Button variant="contained" startIcon={<AddIcon />} onClick={() => void openImport()} data-testid="import-model" disabled={importer.starting}>
          Import model
        </Button>
      }
    >
      {importer.error && !dialogOpen && <ErrorCard error={importer.error} />}
      {importer.job && (
        <Card sx={{ p: 2 }} data-testid="import-job">
          <Box sx={{ mb: 1, fontWeight: 600 }}>{importer.job.title}</Box>
          <JobProgress job={importer.job} onCancel={importer.cancel} />
          {done && importedId && (
            <Box sx={{ mt: 1 }}>
              <Link href={href('models', [importedId])} data-testid="open-imported">
                Open the imported model
              </Link>
            </Box>
          )}
        </Card>
      )}
      {models.error && <ErrorCard error={models.error} onRetry={models.reload} />}
      {empty && (
        <EmptyState
          icon={<ViewInArIcon />}
          title="The registry is empty"
          testId="models-empty"
          action={
            <>
              <Button variant="contained" onClick={importSample} data-testid="import-sample" disabled={importer.starting}>
                Import the sample model
              </Button>
              <Button variant="outlined" onClick={() => void openImport()}>
                Import your own…
              </Button>
            </>
          }
        >
          Import an ONNX model to inspect its structure, check it loads in ONNX Runtime, and profile it. Not sure where to
          start? The bundled sample is a small MobileNetV2 digit classifier.
        </EmptyState>
      )}
      {!empty && !models.error && (
        <Card>
          <Box sx={{ height: 'calc(100vh - 240px)', minHeight: 320 }} data-testid="models-grid">
            <ModelsGrid rows={rows} loading={models.loading && rows.length === 0} />
          </Box>
        </Card>
      )}
      <ImportDialog open={dialogOpen} onClose={() => setDialogOpen(false)} onImport={importPath} startError={importer.error} />
    </Page>
  );
}

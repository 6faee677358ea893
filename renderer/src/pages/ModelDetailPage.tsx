import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import SpeedIcon from '@mui/icons-material/Speed';
import { Box, Button, Chip, CircularProgress, Grid, Tooltip, Typography } from '@mui/material';
import type { ModelDetail } from '../../../electron/core/api/types.js';
import { isTfliteConversion } from '../../../electron/core/api/tflite-conversion.js';
import { ErrorCard } from '../components/ErrorCard.js';
import { Page } from '../components/Page.js';
import { ProfilesTable } from '../components/ProfilesTable.js';
import { SectionCard } from '../components/SectionCard.js';
import { formatBytes, shortSha } from '../format/format.js';
import { href } from '../router/hash-route.js';
import { useRequest } from '../store/useRequest.js';
import { monoFont } from '../theme.js';
import { GraphSection } from './model/GraphSection.js';
import { IoTable } from './model/IoTable.js';
import { ConversionSection } from './model/ConversionSection.js';
import { ModelSummaryCards } from './model/ModelSummaryCards.js';
import { TfliteSection } from './model/TfliteSection.js';
import { OpHistogram } from './model/OpHistogram.js';
import { TopMacsTable } from './model/TopMacsTable.js';

function Facts({ model }: { model: ModelDetail }) {
  const i = model.inspect;
  return (
    <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'center', mt: 0.5 }}>
      <Tooltip title={model.sha256}>
        <Chip label={`sha256 ${shortSha(model.sha256)}`} variant="outlined" sx={{ fontFamily: monoFont }} data-testid="model-sha" />
      </Tooltip>
      <Chip label={formatBytes(model.sizeBytes)} variant="outlined" />
      {i && !i.tflite && <Chip label={`${i.producer.name || 'unknown producer'} ${i.producer.version}`.trim()} variant="outlined" />}
      {i && !i.tflite && <Chip label={`IR ${i.irVersion} · ${i.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')}`} variant="outlined" />}
      {i?.tflite && <Chip label={`TensorFlow Lite · schema ${i.tflite.schemaVersion}`} color="info" variant="outlined" data-testid="tflite-chip" />}
      {i?.externalData && <Chip label="external weights" color="warning" variant="outlined" />}
    </Box>
  );
}

/** One model: what it is, what it costs, its graph, its profiles. */
export function ModelDetailPage({ id }: { id: string }) {
  const model = useRequest('models.get', { id });
  const m = model.data;
  const i = m?.inspect ?? null;
  // A TFLite original runs through its ONNX conversion (its child in the registry).
  const models = useRequest('models.list', i?.tflite ? {} : null);
  const conversion = models.data?.find((c) => c.parentId === id && isTfliteConversion(c.recipe)) ?? null;
  const profileTarget = i?.tflite ? conversion?.id : id;
  return (
    <Page
      testId="page-model"
      title={
        m ? (
          <>
            {m.name}{' '}
            <Typography component="span" variant="h5" color="text.secondary">
              v{m.version}
            </Typography>
          </>
        ) : (
          'Model'
        )
      }
      subtitle={m ? <Facts model={m} /> : undefined}
      actions={
        <>
          <Button href={href('models')} startIcon={<ArrowBackIcon />} color="inherit">
            All models
          </Button>
          <Button
            variant="contained"
            startIcon={<SpeedIcon />}
            href={profileTarget ? href('profiling', [], { model: profileTarget }) : undefined}
            data-testid="profile-this-model"
            disabled={!m || !profileTarget}
          >
            {i?.tflite ? 'Profile its ONNX conversion' : 'Profile this model'}
          </Button>
        </>
      }
    >
      {model.error && <ErrorCard error={model.error} onRetry={model.reload} />}
      {model.loading && !m && (
        <Box sx={{ p: 4, display: 'flex', justifyContent: 'center' }}>
          <CircularProgress />
        </Box>
      )}
      {m && !i && (
        <ErrorCard error={{ title: 'This model has no analysis', detail: 'The registry holds the file but not its analysis. Import it again to analyse it.' }} />
      )}
      {m && i && (
        <>
          <ModelSummaryCards inspect={i} />
          {i.tflite && <TfliteSection tflite={i.tflite} conversion={conversion} />}
          {isTfliteConversion(m.recipe) && <ConversionSection recipe={m.recipe} sourceId={m.parentId} />}
          <SectionCard title="Inputs and outputs" subtitle="Symbolic dimensions are shown by name; they are fixed when the model runs.">
            <IoTable inputs={i.inputs} outputs={i.outputs} />
          </SectionCard>
          <Grid container spacing={2}>
            <Grid size={{ xs: 12, lg: 5 }}>
              <SectionCard title="Operators" subtitle="Nodes per op type">
                <OpHistogram opCounts={i.opCounts} />
              </SectionCard>
            </Grid>
            <Grid size={{ xs: 12, lg: 7 }}>
              <SectionCard title="Heaviest nodes" subtitle="Top 10 by multiply-accumulates">
                <TopMacsTable perNode={i.macs.perNode} total={i.macs.total} />
              </SectionCard>
            </Grid>
          </Grid>
        </>
      )}
      {m && <GraphSection id={id} />}
      {m && (
        <SectionCard title="Profiles" subtitle="Latency measured on this workstation. Open one to see it layer by layer.">
          <ProfilesTable profiles={m.profiles} />
        </SectionCard>
      )}
    </Page>
  );
}

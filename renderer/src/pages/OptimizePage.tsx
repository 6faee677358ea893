import TuneIcon from '@mui/icons-material/Tune';
import { Box, Button, CircularProgress, Typography } from '@mui/material';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { floatRootOf, floatRoots, isTfliteConversion } from '../../../electron/core/api/tflite-conversion.js';
import type { ErrorData, OptimizeDefaults, VariantRow } from '../../../electron/core/api/types.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorCard } from '../components/ErrorCard.js';
import { JobProgress, isActiveJob } from '../components/JobProgress.js';
import { Page } from '../components/Page.js';
import { SectionCard } from '../components/SectionCard.js';
import { href, replaceQuery } from '../router/hash-route.js';
import { useApi } from '../store/useApi.js';
import { useJobRunner } from '../store/useJobRunner.js';
import { useRequest } from '../store/useRequest.js';
import { useStore } from '../store/useStore.js';
import { CompareOnDevices } from './optimize/CompareOnDevices.js';
import { RecipeCard } from './optimize/RecipeCard.js';
import { budgetOf, buildRecipe, initialForm, splitList, validate, type PathKey, type RecipeForm } from './optimize/recipe.js';
import { isRunResult, RunResult } from './optimize/RunResult.js';
import { SensitivitySection } from './optimize/SensitivitySection.js';
import { VariantsTable } from './optimize/VariantsTable.js';

const pathKeys: PathKey[] = ['calibrationNpy', 'evalInputsNpy', 'evalLabelsNpy'];

/**
 * Turn a float model into smaller or faster variants and compare them with it before anything ships.
 * The model and the running job live in the hash query (model, job) so reloads and links keep them.
 */
export function OptimizePage({ query }: { query: URLSearchParams }) {
  const client = useApi();
  const models = useRequest('models.list', {});
  const appInfo = useRequest('app.info', {});
  const devices = useRequest('devices.list', {});
  const targets = useMemo(() => (devices.data ?? []).filter((d) => d.paired && d.state !== 'offline').map(({ id, name, arch }) => ({ id, name, arch })), [devices.data]);
  const modelList = useMemo(() => models.data ?? [], [models.data]);
  const floatModels = useMemo(() => floatRoots(modelList), [modelList]);

  // A link may name a variant (or a .tflite source): optimize its float root instead.
  const asked = query.get('model') ?? '';
  const byId = useMemo(() => new Map(modelList.map((m) => [m.id, m])), [modelList]);
  const modelId = useMemo(() => {
    if (!byId.has(asked)) return asked;
    const root = floatRootOf((id) => byId.get(id) ?? { id, parentId: null, recipe: null }, asked);
    return modelList.find((m) => m.parentId === root.id && isTfliteConversion(m.recipe))?.id ?? root.id;
  }, [asked, byId, modelList]);

  const defaults = useRequest('optimize.defaults', modelId ? { modelId } : null);
  const variants = useRequest('optimize.variants', modelId ? { modelId } : null);

  // optimize.* answers are not tied to a topic in useRequest: refetch the comparison on every models.changed.
  const modelsVersion = useStore((s) => s.versions.models);
  const seenVersion = useRef(modelsVersion);
  const reloadVariants = variants.reload;
  useEffect(() => {
    if (seenVersion.current === modelsVersion) return;
    seenVersion.current = modelsVersion;
    reloadVariants();
  }, [modelsVersion, reloadVariants]);

  const [form, setForm] = useState<RecipeForm>(initialForm);
  const onForm = useCallback((patch: Partial<RecipeForm>) => setForm((f) => ({ ...f, ...patch })), []);
  // Paths typed by the user, per model; otherwise the core's suggestion for that model.
  const [pathEdits, setPathEdits] = useState<Record<string, Partial<Record<PathKey, string>>>>({});
  const paths = useMemo(() => {
    const out: OptimizeDefaults = { calibrationNpy: null, evalInputsNpy: null, evalLabelsNpy: null };
    for (const k of pathKeys) out[k] = (pathEdits[modelId]?.[k] ?? defaults.data?.[k] ?? '').trim() || null;
    return out;
  }, [pathEdits, modelId, defaults.data]);
  const shownPaths = useMemo(() => {
    const out: OptimizeDefaults = { calibrationNpy: null, evalInputsNpy: null, evalLabelsNpy: null };
    for (const k of pathKeys) out[k] = pathEdits[modelId]?.[k] ?? defaults.data?.[k] ?? '';
    return out;
  }, [pathEdits, modelId, defaults.data]);
  const onPath = useCallback(
    (key: PathKey, value: string) => setPathEdits((e) => ({ ...e, [modelId]: { ...e[modelId], [key]: value } })),
    [modelId],
  );

  const errors = useMemo(() => validate(form, paths), [form, paths]);
  const [showErrors, setShowErrors] = useState(false);
  const [formError, setFormError] = useState<Pick<ErrorData, 'title' | 'detail'> | null>(null);

  const runner = useJobRunner(query.get('job'));
  const job = runner.job;
  const busy = runner.starting || (job ? isActiveJob(job) : false);
  const result = job?.state === 'succeeded' && isRunResult(job.result) ? job.result : null;

  // When a run finishes, fetch the comparison again (once per job) so the new variant shows even without an event.
  const reloadedFor = useRef<string | null>(null);
  useEffect(() => {
    if (!job || job.state !== 'succeeded' || reloadedFor.current === job.id) return;
    reloadedFor.current = job.id;
    reloadVariants();
  }, [job, reloadVariants]);

  const chooseModel = (id: string) => {
    replaceQuery({ model: id, job: undefined });
    runner.reset();
    setShowErrors(false);
    setFormError(null);
  };

  const run = () => {
    if (!modelId) return;
    const problems = Object.values(errors);
    if (problems.length > 0) {
      setShowErrors(true);
      setFormError({ title: 'The recipe is not complete', detail: problems.join('\n') });
      return;
    }
    setFormError(null);
    const recipe = buildRecipe(form, paths);
    void runner.start(() => client.invoke('optimize.run', { modelId, recipe, strict: form.strict, ...(form.deviceId ? { deviceId: form.deviceId } : {}) })).then((j) => {
      if (j) replaceQuery({ job: j.id });
    });
  };

  const keepFloat = (nodes: string[]) => {
    const current = splitList(form.exclude);
    const merged = [...current, ...nodes.filter((n) => !current.includes(n))];
    onForm({ exclude: merged.join(', ') });
  };

  const comparison = variants.data;
  const parentSize = floatModels.find((m) => m.id === modelId)?.sizeBytes ?? null;
  const judge = useCallback((row: VariantRow) => budgetOf(row.recipe, form), [form]);
  const noModels = !models.loading && !models.error && floatModels.length === 0;

  return (
    <Page
      testId="page-optimize"
      title="Optimize"
      subtitle="Make a float model smaller and faster for a target device, then check every variant against the original before it ships."
    >
      {models.error && <ErrorCard error={models.error} onRetry={models.reload} />}
      {noModels ? (
        <EmptyState
          icon={<TuneIcon />}
          title="No float model to optimize"
          testId="optimize-empty"
          action={
            <Button variant="contained" href={href('models')}>
              Go to Models
            </Button>
          }
        >
          Import a float ONNX model first (the bundled sample works and comes with calibration and evaluation data).
        </EmptyState>
      ) : (
        <>
          <RecipeCard
            models={floatModels}
            modelId={modelId}
            onModelChange={chooseModel}
            form={form}
            onForm={onForm}
            paths={shownPaths}
            onPath={onPath}
            suggested={defaults.data}
            errors={errors}
            showErrors={showErrors}
            cpu={appInfo.data?.cpu ?? comparison?.cpu}
            targets={targets}
            onRun={run}
            busy={busy}
          >
            {defaults.error && (
              <ErrorCard error={{ title: 'No suggested data files', detail: `${defaults.error.title}: ${defaults.error.detail}\nType the .npy paths yourself.` }} />
            )}
            {formError && <ErrorCard error={formError} />}
            {runner.error && <ErrorCard error={runner.error} />}
            {job && <JobProgress job={job} onCancel={runner.cancel} />}
            {result && (
              <RunResult
                result={result}
                row={comparison?.variants.find((v) => v.modelId === result.variantId)}
                parent={comparison?.parent}
              />
            )}
          </RecipeCard>

          {modelId && (
            <SectionCard
              title="Float original and its variants"
              subtitle={
                <>
                  Ratios are against the float parent, measured side by side on this workstation.{' '}
                  <Box component="span" sx={{ color: 'error.light' }}>
                    Red
                  </Box>{' '}
                  marks a variant slower than float or a top-1 drop beyond its budget. Hover a flag for the finding.
                </>
              }
              testId="variants-section"
              actions={variants.loading && comparison ? <CircularProgress size={18} /> : undefined}
              flush
            >
              {variants.error ? (
                <Box sx={{ px: 2, pb: 2 }}>
                  <ErrorCard error={variants.error} onRetry={variants.reload} />
                </Box>
              ) : !comparison ? (
                <Box sx={{ p: 3, display: 'flex', justifyContent: 'center' }}>
                  <CircularProgress size={28} />
                </Box>
              ) : (
                <VariantsTable comparison={comparison} parentSize={parentSize} budgetOf={judge} highlightId={result?.variantId ?? null} />
              )}
            </SectionCard>
          )}

          {modelId && <CompareOnDevices key={`compare-${modelId}`} modelId={modelId} devices={targets} />}

          {modelId ? (
            <SensitivitySection key={modelId} modelId={modelId} calibrationNpy={paths.calibrationNpy ?? ''} onKeepFloat={keepFloat} />
          ) : (
            !models.loading && (
              <Typography variant="body2" color="text.secondary">
                Choose a float model to see its variants and analyse which layers are sensitive to quantization.
              </Typography>
            )
          )}
        </>
      )}
    </Page>
  );
}

import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import {
  Box,
  Button,
  Chip,
  FormControlLabel,
  InputAdornment,
  Switch,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
  Tooltip,
  Typography,
} from '@mui/material';
import type { ReactNode } from 'react';
import type { CpuInfo, ModelSummary, OptimizeDefaults, OptimizeMode } from '../../../../electron/core/api/types.js';
import { SectionCard } from '../../components/SectionCard.js';
import { SelectField } from '../../components/SelectField.js';
import { formatBytes } from '../../format/format.js';
import { monoFont } from '../../theme.js';
import { applies, modeInfo, modes, type FieldErrors, type PathKey, type RecipeForm } from './recipe.js';

interface Props {
  models: ModelSummary[];
  modelId: string;
  onModelChange: (id: string) => void;
  form: RecipeForm;
  onForm: (patch: Partial<RecipeForm>) => void;
  paths: OptimizeDefaults;
  onPath: (key: PathKey, value: string) => void;
  /** Paths the core suggested for this model (to say where a value came from). */
  suggested: OptimizeDefaults | undefined;
  errors: FieldErrors;
  /** Show the errors in red (after a run was asked for). */
  showErrors: boolean;
  cpu: CpuInfo | undefined;
  /** Paired devices that answer: where candidates can be timed instead of this workstation. */
  targets: { id: string; name: string; arch: string | null }[];
  onRun: () => void;
  busy: boolean;
  /** Progress and errors of the run, under the button. */
  children?: ReactNode;
}

/** The "Target device" choice that times on this machine. */
const WORKSTATION = 'workstation';

/** A label column and its content, so the options read as one form. */
function Row({ label, hint, children }: { label: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <>
      <Box sx={{ pt: 0.75 }}>
        <Typography variant="overline" color="text.secondary" component="div" sx={{ lineHeight: 1.4 }}>
          {label}
        </Typography>
        {hint && (
          <Typography variant="caption" color="text.secondary" component="div" sx={{ lineHeight: 1.3 }}>
            {hint}
          </Typography>
        )}
      </Box>
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap', alignItems: 'flex-start', minWidth: 0 }}>{children}</Box>
    </>
  );
}

function CpuFeatures({ cpu }: { cpu: CpuInfo | undefined }) {
  if (!cpu) return <Typography variant="body2" color="text.secondary">Reading this workstation's CPU…</Typography>;
  const none = cpu.int8Features.length === 0;
  return (
    <Box data-testid="cpu-features" sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap', pt: 0.5 }}>
      <Typography variant="body2" sx={{ mr: 0.5 }}>
        {cpu.model} · {cpu.cores} cores
      </Typography>
      {none ? (
        <Chip label="no INT8 dot-product instructions" color="warning" variant="outlined" data-testid="cpu-feature" />
      ) : (
        cpu.int8Features.map((f) => <Chip key={f} label={f} color="success" variant="outlined" sx={{ fontFamily: monoFont }} data-testid="cpu-feature" />)
      )}
      <Typography variant="caption" color="text.secondary" sx={{ flexBasis: '100%' }}>
        {none
          ? 'INT8 models may run slower than float here: the table flags any variant slower than its parent. FP16 and ORT format do not depend on these.'
          : 'INT8 speed depends on these instructions: the target device needs them too for the latency measured here to hold.'}
      </Typography>
    </Box>
  );
}

const pathFields: { key: PathKey; label: string; testId: string; help: (mode: OptimizeMode) => string }[] = [
  {
    key: 'calibrationNpy',
    label: 'Calibration inputs (.npy)',
    testId: 'calibration-npy',
    help: (m) => (applies(m).calibration ? 'Required: float32 [N, …input shape]' : 'Only for static INT8, tuning and sensitivity'),
  },
  { key: 'evalInputsNpy', label: 'Evaluation inputs (.npy)', testId: 'eval-inputs-npy', help: (m) => (m === 'tune' ? 'Required for tuning' : 'Optional: measures top-1') },
  { key: 'evalLabelsNpy', label: 'Evaluation labels (.npy)', testId: 'eval-labels-npy', help: (m) => (m === 'tune' ? 'Required for tuning' : 'Optional: class index per input') },
];

/** Model, mode, options, data and safety checks, then "Create variant". */
export function RecipeCard(props: Props) {
  const { models, modelId, onModelChange, form, onForm, paths, onPath, suggested, errors, showErrors, cpu, targets, onRun, busy, children } = props;
  const use = applies(form.mode);
  const info = modeInfo(form.mode);
  const model = models.find((m) => m.id === modelId);
  const err = (key: keyof FieldErrors) => (showErrors || key === 'maxDropPts' || key === 'minAgreementPct' || key === 'minSqnrDb' ? errors[key] : undefined);

  return (
    <SectionCard title="Recipe" subtitle="Each run creates a new version of the model in the registry; the float original stays untouched." testId="recipe-card">
      <Box
        component="form"
        onSubmit={(e) => {
          e.preventDefault();
          onRun();
        }}
        sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '170px 1fr' }, columnGap: 2, rowGap: 2, alignItems: 'start' }}
      >
        <Row label="Model" hint="float models only">
          <SelectField
            label="Float model"
            value={modelId}
            onChange={onModelChange}
            options={models.map((m) => ({ value: m.id, label: `${m.name} v${m.version}` }))}
            testId="optimize-model"
            placeholder={models.length ? 'Choose a model…' : 'No float models imported'}
            minWidth={300}
          />
          {model && (
            <Typography variant="body2" color="text.secondary" sx={{ pt: 1 }}>
              {formatBytes(model.sizeBytes)} · imported {model.createdAt.slice(0, 10)}
            </Typography>
          )}
        </Row>

        <Row label="This CPU" hint="INT8 features">
          <CpuFeatures cpu={cpu} />
        </Row>

        <Row label="Target device" hint="where latency is measured">
          <SelectField
            label="Time candidates on"
            value={form.deviceId || WORKSTATION}
            onChange={(v) => onForm({ deviceId: v === WORKSTATION ? '' : v })}
            options={[{ value: WORKSTATION, label: 'This workstation' }, ...targets.map((d) => ({ value: d.id, label: `${d.name}${d.arch ? ` (${d.arch})` : ''}` }))]}
            testId="optimize-target"
            minWidth={300}
            helperText={
              form.deviceId
                ? 'The parent and each candidate go to the device\'s staging as signed artifacts and are profiled there; nothing is activated.'
                : targets.length
                  ? 'Or pick a paired device to optimize for the CPU it has.'
                  : 'Pair a device to time candidates on it.'
            }
          />
        </Row>

        <Row label="Mode">
          <Box sx={{ minWidth: 0 }}>
            <ToggleButtonGroup
              exclusive
              size="small"
              color="primary"
              value={form.mode}
              onChange={(_e, v: OptimizeMode | null) => v && onForm({ mode: v })}
              data-testid="recipe-mode"
              aria-label="Optimization mode"
              sx={{ flexWrap: 'wrap' }}
            >
              {modes.map((m) => (
                <Tooltip key={m.mode} title={m.explanation} placement="top">
                  <ToggleButton value={m.mode} data-testid={`mode-${m.mode}`} sx={{ px: 1.75, textTransform: 'none', fontWeight: 600 }}>
                    {m.label}
                  </ToggleButton>
                </Tooltip>
              ))}
            </ToggleButtonGroup>
            <Typography variant="body2" sx={{ mt: 0.75 }} data-testid="mode-explanation">
              <b>{info.label}:</b> {info.explanation}
            </Typography>
          </Box>
        </Row>

        {(use.method || use.perChannel || use.activationType || use.exclude) && (
          <Row label="Options">
            {use.method && (
              <SelectField
                label="Calibration method"
                value={form.method}
                onChange={(v) => onForm({ method: v as RecipeForm['method'] })}
                options={[
                  { value: 'minmax', label: 'MinMax' },
                  { value: 'percentile', label: 'Percentile (99.999)' },
                  { value: 'entropy', label: 'Entropy (KL)' },
                ]}
                testId="calibration-method"
                minWidth={180}
              />
            )}
            {use.activationType && (
              <SelectField
                label="Activations"
                value={form.activationType}
                onChange={(v) => onForm({ activationType: v as RecipeForm['activationType'] })}
                options={[
                  { value: 'uint8', label: 'uint8 (asymmetric)' },
                  { value: 'int8', label: 'int8 (symmetric)' },
                ]}
                testId="activation-type"
                minWidth={170}
              />
            )}
            {use.perChannel && (
              <Tooltip title="One scale per output channel of each weight: more accurate, same speed on most CPUs.">
                <FormControlLabel
                  sx={{ mt: 0.25 }}
                  control={
                    <Switch checked={form.perChannel} onChange={(e) => onForm({ perChannel: e.target.checked })} slotProps={{ input: { 'aria-label': 'Per-channel weights', ...({ 'data-testid': 'per-channel' } as object) } }} />
                  }
                  label="Per-channel weights"
                />
              </Tooltip>
            )}
            {use.exclude && (
              <TextField
                label="Keep in float"
                placeholder="e.g. Softmax, /classifier/Gemm"
                value={form.exclude}
                onChange={(e) => onForm({ exclude: e.target.value })}
                helperText="Comma-separated node names or op types"
                sx={{ flex: 1, minWidth: 280, maxWidth: 560 }}
                slotProps={{ htmlInput: { 'data-testid': 'exclude', style: { fontFamily: monoFont, fontSize: 12 } }, inputLabel: { shrink: true } }}
              />
            )}
          </Row>
        )}

        <Row label="Data" hint={suggested?.calibrationNpy ? 'prefilled with the sample data' : undefined}>
          {pathFields.map((f) => {
            const e = err(f.key);
            return (
              <TextField
                key={f.key}
                label={f.label}
                value={paths[f.key] ?? ''}
                onChange={(ev) => onPath(f.key, ev.target.value)}
                error={!!e}
                helperText={e ?? f.help(form.mode)}
                placeholder="/path/to/file.npy"
                sx={{ flex: 1, minWidth: 260, opacity: f.key === 'calibrationNpy' && !use.calibration ? 0.75 : 1 }}
                slotProps={{ htmlInput: { 'data-testid': f.testId, spellCheck: false, style: { fontFamily: monoFont, fontSize: 12 } }, inputLabel: { shrink: true } }}
              />
            );
          })}
        </Row>

        <Row label="Safety checks" hint="against the float parent">
          {use.maxDrop && (
            <TextField
              label="Max top-1 drop"
              value={form.maxDropPts}
              onChange={(e) => onForm({ maxDropPts: e.target.value })}
              error={!!err('maxDropPts')}
              helperText={err('maxDropPts') ?? 'points of top-1 vs float'}
              sx={{ width: 170 }}
              slotProps={{
                htmlInput: { inputMode: 'decimal', 'data-testid': 'max-drop' },
                input: { endAdornment: <InputAdornment position="end">pts</InputAdornment> },
              }}
            />
          )}
          <TextField
            label="Min agreement"
            value={form.minAgreementPct}
            onChange={(e) => onForm({ minAgreementPct: e.target.value })}
            error={!!err('minAgreementPct')}
            placeholder={use.int8 ? '97' : '99'}
            helperText={err('minAgreementPct') ?? `same top-1 class as float (default ${use.int8 ? 97 : 99} %)`}
            sx={{ width: 170 }}
            slotProps={{ htmlInput: { inputMode: 'decimal', 'data-testid': 'min-agreement' }, input: { endAdornment: <InputAdornment position="end">%</InputAdornment> } }}
          />
          <TextField
            label="Min SQNR"
            value={form.minSqnrDb}
            onChange={(e) => onForm({ minSqnrDb: e.target.value })}
            error={!!err('minSqnrDb')}
            placeholder={use.int8 ? '20' : '30'}
            helperText={err('minSqnrDb') ?? `output signal / error (default ${use.int8 ? 20 : 30} dB)`}
            sx={{ width: 150 }}
            slotProps={{ htmlInput: { inputMode: 'decimal', 'data-testid': 'min-sqnr' }, input: { endAdornment: <InputAdornment position="end">dB</InputAdornment> } }}
          />
          <Box sx={{ pt: 0.25 }}>
            <FormControlLabel
              control={
                <Switch
                  color="warning"
                  checked={form.strict}
                  onChange={(e) => onForm({ strict: e.target.checked })}
                  slotProps={{ input: { 'aria-label': 'Strict', ...({ 'data-testid': 'strict-switch' } as object) } }}
                />
              }
              label="Strict"
            />
            <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: -0.5 }}>
              Refuse results that fail the safety checks
            </Typography>
          </Box>
        </Row>

        <Box sx={{ gridColumn: { md: '2' }, display: 'flex', flexDirection: 'column', gap: 2 }}>
          <Box>
            <Button type="submit" variant="contained" size="large" startIcon={<PlayArrowIcon />} disabled={!modelId || busy} data-testid="optimize-run">
              Create {info.label} variant
            </Button>
          </Box>
          {children}
        </Box>
      </Box>
    </SectionCard>
  );
}

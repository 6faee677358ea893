import DevicesIcon from '@mui/icons-material/DeveloperBoard';
import { Autocomplete, Box, Button, Checkbox, Chip, FormControlLabel, MenuItem, Table, TableBody, TableCell, TableHead, TableRow, TextField, Tooltip, Typography } from '@mui/material';
import { BarChart } from '@mui/x-charts/BarChart';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { OptimizeTargets, TargetTiming, TargetVariant, TimeOnDevicesResult } from '../../../../electron/core/api/types.js';
import { ErrorCard } from '../../components/ErrorCard.js';
import { JobProgress, isActiveJob } from '../../components/JobProgress.js';
import { SectionCard } from '../../components/SectionCard.js';
import { formatBytes, formatMs } from '../../format/format.js';
import { shortLayerName } from '../../format/short-name.js';
import { useApi } from '../../store/useApi.js';
import { useJobRunner } from '../../store/useJobRunner.js';
import { useRequest } from '../../store/useRequest.js';
import { useStore } from '../../store/useStore.js';
import { bad, good, pct, ratio } from './metrics.js';

export interface DeviceChoice {
  id: string;
  name: string;
  arch: string | null;
}

const kindLabel: Record<TargetVariant['kind'], string> = {
  float: 'float',
  fp16: 'FP16',
  'int8-static': 'INT8 static',
  'int8-dynamic': 'INT8 dynamic',
  tuned: 'tuned',
  ort: 'ORT format',
  optimized: 'optimized',
};
const INT8 = new Set<TargetVariant['kind']>(['int8-static', 'int8-dynamic', 'tuned']);

/** Green below 1 (faster than float on that target), red above. */
const ratioColor = (r: number | null) => (r === null || Math.abs(r - 1) < 0.005 ? undefined : r < 1 ? good : bad);

/** Layer times are tens of µs: three decimals, as the tune --device reasons print them. */
const layerMs = (ms: number) => (ms < 1 ? `${ms.toFixed(3)} ms` : formatMs(ms));

const isTimeResult = (x: unknown): x is TimeOnDevicesResult => !!x && typeof x === 'object' && Array.isArray((x as TimeOnDevicesResult).failures);

function Ratio({ value }: { value: number | null }) {
  const c = ratioColor(value);
  return (
    <Typography variant="caption" component="div" sx={{ color: c ?? 'text.secondary', fontWeight: c ? 600 : undefined }}>
      {ratio(value)} vs float
    </Typography>
  );
}

function label(v: TargetVariant) {
  return `${kindLabel[v.kind]} · v${v.version}`;
}

/** The comparison table: one row per model, one latency column per device, ratios against float on the same target. */
function TargetsTable({ t }: { t: OptimizeTargets }) {
  const parent = t.variants[0];
  return (
    <Box sx={{ overflowX: 'auto' }}>
      <Table size="small" data-testid="targets-table">
        <TableHead>
          <TableRow>
            <TableCell>Variant</TableCell>
            <TableCell align="right">Accuracy</TableCell>
            <TableCell align="right">Size</TableCell>
            <TableCell align="right">This workstation</TableCell>
            {t.devices.map((d) => (
              <TableCell key={d.deviceId} align="right">
                <Tooltip title={`${d.cpu} · ${d.cpuFeatures}`}>
                  <span>
                    {d.deviceName}
                    <Typography variant="caption" component="div" color="text.secondary" noWrap sx={{ maxWidth: 180, ml: 'auto' }}>
                      {d.cpuFeatures}
                    </Typography>
                  </span>
                </Tooltip>
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {t.variants.map((v) => {
            const ws = v.workstationP50Ms !== null && parent.workstationP50Ms ? v.workstationP50Ms / parent.workstationP50Ms : null;
            return (
              <TableRow key={v.modelId} data-testid={`targets-row-${v.modelId}`}>
                <TableCell>
                  <Typography variant="body2">{v.name}</Typography>
                  <Chip size="small" label={label(v)} color={v.kind === 'float' ? 'default' : INT8.has(v.kind) ? 'primary' : 'secondary'} variant="outlined" />
                </TableCell>
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                  {v.top1 !== null ? `top-1 ${pct(v.top1)}` : '–'}
                  {v.agreement !== null && (
                    <Typography variant="caption" component="div" color="text.secondary">
                      agrees {pct(v.agreement)}
                    </Typography>
                  )}
                </TableCell>
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                  {formatBytes(v.sizeBytes)}
                  <Typography variant="caption" component="div" color="text.secondary">
                    {ratio(v.sizeBytes / parent.sizeBytes)}
                  </Typography>
                </TableCell>
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                  {v.workstationP50Ms === null ? '–' : formatMs(v.workstationP50Ms)}
                  {v.workstationP50Ms !== null && <Ratio value={ws} />}
                </TableCell>
                {t.devices.map((d) => {
                  const x = v.devices.find((e) => e.deviceId === d.deviceId);
                  return (
                    <TableCell key={d.deviceId} align="right" sx={{ fontVariantNumeric: 'tabular-nums' }} data-testid={`targets-cell-${v.modelId}-${d.deviceId}`}>
                      {x ? (
                        <>
                          <Tooltip title={`p95 ${formatMs(x.p95Ms)}${x.peakBytes ? ` · peak ${formatBytes(x.peakBytes)}` : ''}`}>
                            <span>
                              {formatMs(x.p50Ms)}
                              <Ratio value={x.ratio} />
                            </span>
                          </Tooltip>
                          {x.energy && <EnergyCell x={x} />}
                        </>
                      ) : (
                        'not timed'
                      )}
                    </TableCell>
                  );
                })}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </Box>
  );
}

/** Energy per inference under the latency, with its ratio to float there; or why the device has none. */
function EnergyCell({ x }: { x: TargetTiming }) {
  const e = x.energy!;
  if (!e.available) {
    return (
      <Tooltip title={e.reason}>
        <Typography variant="caption" component="div" color="text.secondary" data-testid="targets-energy-none">
          energy: not available
        </Typography>
      </Tooltip>
    );
  }
  const mj = (j: number) => `${(j * 1000).toFixed(j < 0.01 ? 3 : 2)} mJ`;
  return (
    <Tooltip title={`${e.source.name}: ${e.blocks} blocks, ${e.inferences} inferences over ${e.loadSeconds.toFixed(0)} s, idle ${e.idlePowerW.toFixed(2)} W subtracted${e.low !== null && e.high !== null ? `; 95 % interval ${mj(e.low)}–${mj(e.high)}` : ''}`}>
      <Typography variant="caption" component="div" data-testid="targets-energy">
        {mj(e.joulesPerInference)}/inf
        {x.energyRatio !== undefined && x.energyRatio !== null && <Ratio value={x.energyRatio} />}
      </Typography>
    </Tooltip>
  );
}

/** Grouped bars: each variant's latency ratio to float, one bar per target. */
function RatioChart({ t }: { t: OptimizeTargets }) {
  const data = useMemo(() => {
    const parent = t.variants[0];
    const variants = t.variants.slice(1);
    const series = [
      {
        label: 'This workstation',
        data: variants.map((v) => (v.workstationP50Ms !== null && parent.workstationP50Ms ? v.workstationP50Ms / parent.workstationP50Ms : null)),
      },
      ...t.devices.map((d) => ({ label: d.deviceName, data: variants.map((v) => v.devices.find((e) => e.deviceId === d.deviceId)?.ratio ?? null) })),
    ];
    return { names: variants.map(label), series };
  }, [t]);
  if (data.names.length === 0) return null;
  return (
    <Box data-testid="targets-chart">
      <BarChart
        height={260}
        xAxis={[{ scaleType: 'band', data: data.names }]}
        yAxis={[{ label: 'latency vs float (×)', min: 0 }]}
        series={data.series.map((s) => ({ ...s, valueFormatter: (v: number | null) => (v === null ? 'not timed' : ratio(v)) }))}
        margin={{ left: 8, right: 16, top: 8, bottom: 8 }}
      />
    </Box>
  );
}

/** Float vs INT8 per quantized layer on each target, and whether INT8 pays off there. */
function LayerTable({ t }: { t: OptimizeTargets }) {
  const layers = t.layers;
  if (!layers) {
    return (
      <Typography variant="body2" color="text.secondary" data-testid="targets-layers-empty">
        Time the float model and an INT8 variant on a device to see which layers gain from INT8 there.
      </Typography>
    );
  }
  const devices = t.devices.filter((d) => layers.verdicts.some((v) => v.deviceId === d.deviceId));
  return (
    <Box sx={{ overflowX: 'auto', maxHeight: 420 }}>
      <Table size="small" stickyHeader data-testid="targets-layers">
        <TableHead>
          <TableRow>
            <TableCell>Layer</TableCell>
            {devices.map((d) => {
              const v = layers.verdicts.find((x) => x.deviceId === d.deviceId)!;
              return (
                <TableCell key={d.deviceId} align="right" data-testid={`targets-verdict-${d.deviceId}`}>
                  {d.deviceName}
                  <Typography variant="caption" component="div" sx={{ color: v.paysOff ? good : bad, fontWeight: 600 }}>
                    {v.layers === 0 ? 'no layers matched' : v.paysOff ? 'INT8 pays off' : 'INT8 does not pay off'}
                  </Typography>
                  <Typography variant="caption" component="div" color="text.secondary">
                    {layerMs(v.floatMs)} float → {layerMs(v.int8Ms)} INT8 over {v.layers} layers
                  </Typography>
                </TableCell>
              );
            })}
          </TableRow>
        </TableHead>
        <TableBody>
          {layers.rows.map((r) => (
            <TableRow key={r.node}>
              <TableCell>
                <Tooltip title={r.node}>
                  <span>{shortLayerName(r.node, 40)}</span>
                </Tooltip>
                <Typography variant="caption" color="text.secondary" sx={{ ml: 1 }}>
                  {r.opType}
                </Typography>
              </TableCell>
              {devices.map((d) => {
                const x = r.perDevice.find((p) => p.deviceId === d.deviceId);
                return (
                  <TableCell key={d.deviceId} align="right" sx={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                    {x ? (
                      <>
                        {layerMs(x.floatMs)} → <Box component="span" sx={{ color: ratioColor(x.int8Ms / x.floatMs), fontWeight: 600 }}>{layerMs(x.int8Ms)}</Box>
                      </>
                    ) : (
                      '–'
                    )}
                  </TableCell>
                );
              })}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

/** Time the float model and its variants on chosen devices, then compare them there side by side. */
export function CompareOnDevices({ modelId, devices }: { modelId: string; devices: DeviceChoice[] }) {
  const client = useApi();
  const [chosen, setChosen] = useState<string[]>([]);
  const [withEnergy, setWithEnergy] = useState(false);
  const [variantId, setVariantId] = useState<string>('');
  const targets = useRequest('optimize.targets', { modelId, ...(variantId ? { variantId } : {}) });
  const runner = useJobRunner();
  const job = runner.job;
  const busy = runner.starting || (job ? isActiveJob(job) : false);
  const failures = job?.state === 'succeeded' && isTimeResult(job.result) ? job.result.failures : [];

  // optimize.* answers follow no topic: fetch again when a timing job ends or profiles or models change.
  const version = useStore((s) => s.versions.profiles + s.versions.models);
  const reload = targets.reload;
  const seen = useRef(version);
  useEffect(() => {
    if (seen.current === version) return;
    seen.current = version;
    reload();
  }, [version, reload]);
  const reloadedFor = useRef<string | null>(null);
  useEffect(() => {
    if (!job || job.state !== 'succeeded' || reloadedFor.current === job.id) return;
    reloadedFor.current = job.id;
    reload();
  }, [job, reload]);

  const t = targets.data;
  const int8 = (t?.variants ?? []).filter((v) => INT8.has(v.kind));
  const start = () => {
    void runner.start(() => client.invoke('optimize.timeOnDevices', { modelId, deviceIds: chosen, ...(withEnergy ? { energySec: 60 } : {}) }));
  };

  return (
    <SectionCard
      title="Compare on devices"
      subtitle="Times the float model and every variant on each chosen device (staged there, never activated). Ratios are against float on the same target: green is faster, red slower."
      testId="compare-devices"
    >
      <Box sx={{ display: 'flex', gap: 1.5, alignItems: 'center', flexWrap: 'wrap', mb: 1.5 }}>
        <Autocomplete
          multiple
          size="small"
          sx={{ minWidth: 320, flex: 1, maxWidth: 560 }}
          options={devices.map((d) => d.id)}
          value={chosen}
          onChange={(_e, v) => setChosen(v.slice(0, 8))}
          getOptionLabel={(id) => {
            const d = devices.find((x) => x.id === id);
            return d ? (d.arch ? `${d.name} (${d.arch})` : d.name) : id;
          }}
          noOptionsText="No paired device is online"
          renderInput={(params) => (
            <TextField
              {...params}
              label="Devices (up to 8)"
              slotProps={{ ...params.slotProps, htmlInput: { ...params.slotProps?.htmlInput, 'data-testid': 'compare-devices-input' } }}
            />
          )}
        />
        <Button variant="contained" startIcon={<DevicesIcon />} disabled={chosen.length === 0 || busy} onClick={start} data-testid="compare-devices-run">
          Time on devices
        </Button>
        <FormControlLabel
          control={<Checkbox checked={withEnergy} onChange={(e) => setWithEnergy(e.target.checked)} data-testid="compare-devices-energy" />}
          label="Energy per inference too (a minute of load per model and device; boards with an energy counter)"
        />
      </Box>
      {runner.error && <ErrorCard error={runner.error} />}
      {job && <JobProgress job={job} onCancel={runner.cancel} testId="compare-devices-progress" />}
      {failures.length > 0 && (
        <ErrorCard
          error={{
            title: `${failures.length} timing${failures.length === 1 ? '' : 's'} failed`,
            detail: failures.map((f) => `${f.deviceName}: ${t?.variants.find((v) => v.modelId === f.modelId)?.name ?? f.modelId}: ${f.title}. ${f.detail}`).join('\n'),
          }}
        />
      )}
      {targets.error && <ErrorCard error={targets.error} onRetry={reload} />}
      {t && t.devices.length === 0 && (
        <Typography variant="body2" color="text.secondary" data-testid="compare-devices-empty">
          Not timed on any device yet. Choose devices and time the float model and its variants there.
        </Typography>
      )}
      {t && t.devices.length > 0 && (
        <Box sx={{ display: 'grid', gap: 2 }}>
          <TargetsTable t={t} />
          <RatioChart t={t} />
          <Box>
            <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5, mb: 1 }}>
              <Box>
                <Typography variant="subtitle2">Per layer: float vs INT8 on each target</Typography>
                <Typography variant="caption" color="text.secondary" component="div">
                  The quantized layers&apos; time, with the Q/DQ conversions each layer needs where a target runs them as separate nodes (a fused integer kernel includes them). INT8 pays off where its layers are over 5 % faster.
                </Typography>
              </Box>
              {int8.length > 0 && (
                <TextField
                  select
                  size="small"
                  label="Variant"
                  value={variantId || t.layers?.variantId || ''}
                  onChange={(e) => setVariantId(e.target.value)}
                  sx={{ minWidth: 220 }}
                  slotProps={{ htmlInput: { 'data-testid': 'compare-layers-variant' } }}
                >
                  {int8.map((v) => (
                    <MenuItem key={v.modelId} value={v.modelId}>
                      {v.name} ({label(v)})
                    </MenuItem>
                  ))}
                </TextField>
              )}
            </Box>
            <LayerTable t={t} />
          </Box>
        </Box>
      )}
    </SectionCard>
  );
}

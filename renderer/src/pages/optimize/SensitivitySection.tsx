import InsightsIcon from '@mui/icons-material/Insights';
import { Box, Button, Typography } from '@mui/material';
import { BarChart } from '@mui/x-charts/BarChart';
import { useMemo } from 'react';
import type { SensitivityReport, SensitivityRow } from '../../../../electron/core/api/types.js';
import { ErrorCard } from '../../components/ErrorCard.js';
import { JobProgress, isActiveJob } from '../../components/JobProgress.js';
import { OpLegend } from '../../components/OpLegend.js';
import { SectionCard } from '../../components/SectionCard.js';
import { opColor } from '../../format/op-colors.js';
import { shortLayerName } from '../../format/short-name.js';
import { useApi } from '../../store/useApi.js';
import { useJobRunner } from '../../store/useJobRunner.js';
import { db } from './metrics.js';

const isReport = (x: unknown): x is SensitivityReport =>
  !!x && typeof x === 'object' && Array.isArray((x as SensitivityReport).rows);

/** Chart values must be finite: a layer that adds no error at all is drawn at the right edge. */
const finite = (v: number, cap: number) => (Number.isFinite(v) ? v : cap);
/** SQNR for sorting: Infinity (sent as null over JSON) means no error, the least sensitive. */
const sqnrOf = (r: SensitivityRow) => (typeof r.outputSqnrDb === 'number' && !Number.isNaN(r.outputSqnrDb) ? r.outputSqnrDb : Infinity);
const byWorst = (a: SensitivityRow, b: SensitivityRow) => sqnrOf(a) - sqnrOf(b) || 0;

function SensitivityChart({ report }: { report: SensitivityReport }) {
  const data = useMemo(() => {
    const worst = [...report.rows].sort(byWorst).slice(0, 20);
    const cap = Math.max(1, ...worst.map((r) => (Number.isFinite(sqnrOf(r)) ? sqnrOf(r) : 0))) * 1.1;
    return {
      names: worst.map((r) => r.node),
      ops: worst.map((r) => r.opType),
      values: worst.map((r) => finite(sqnrOf(r), cap)),
      rows: worst,
      legend: [...new Set(worst.map((r) => r.opType))],
    };
  }, [report]);
  if (data.names.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary" data-testid="sensitivity-chart">
        No quantizable layers were found in this model.
      </Typography>
    );
  }
  return (
    <Box data-testid="sensitivity-chart">
      <Box sx={{ display: 'flex', gap: 3, flexWrap: 'wrap', alignItems: 'baseline', mb: 0.5 }}>
        <Typography variant="body2">
          Whole model in INT8: output SQNR <b data-testid="sensitivity-full">{db(report.fullInt8OutputSqnrDb)}</b>
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {data.names.length} worst of {report.rows.length} layers · <b>layers at the top are the first to keep in float</b>
        </Typography>
      </Box>
      <BarChart
        layout="horizontal"
        height={data.names.length * 22 + 70}
        yAxis={[
          {
            scaleType: 'band',
            data: data.names,
            width: 240,
            categoryGapRatio: 0.2,
            tickLabelStyle: { fontSize: 11 },
            valueFormatter: (v: string, ctx) => (ctx.location === 'tick' ? shortLayerName(v, 32) : `${v} (${data.ops[data.names.indexOf(v)] ?? ''})`),
          },
        ]}
        xAxis={[{ label: 'model output SQNR with only this layer in INT8 (dB) · shorter bar = more damage' }]}
        series={[
          {
            data: data.values,
            label: 'Output SQNR',
            valueFormatter: (_v, { dataIndex }) => {
              const r = data.rows[dataIndex];
              if (!r) return '';
              return `output ${db(sqnrOf(r))}${r.tensorSqnrDb === null ? '' : ` · layer's own tensor ${db(r.tensorSqnrDb)}`}`;
            },
            colorGetter: ({ dataIndex }) => opColor(data.ops[dataIndex] ?? ''),
          },
        ]}
        hideLegend
        margin={{ left: 8, right: 16, top: 8, bottom: 8 }}
      />
      <OpLegend ops={data.legend} testId="sensitivity-legend" />
    </Box>
  );
}

interface Props {
  modelId: string;
  calibrationNpy: string;
  /** Adds layer names to the recipe's "keep in float" list. */
  onKeepFloat: (nodes: string[]) => void;
}

/** Quantizes one layer at a time and shows which layers hurt the output most. */
export function SensitivitySection({ modelId, calibrationNpy, onKeepFloat }: Props) {
  const client = useApi();
  const runner = useJobRunner();
  const job = runner.job;
  const busy = runner.starting || (job ? isActiveJob(job) : false);
  const report = job?.state === 'succeeded' && isReport(job.result) ? job.result : null;
  const worst3 = useMemo(
    () => (report ? [...report.rows].sort(byWorst).slice(0, 3).map((r) => r.node) : []),
    [report],
  );
  const run = () => void runner.start(() => client.invoke('optimize.sensitivity', { modelId, calibrationNpy }));

  return (
    <SectionCard
      title="Layer sensitivity"
      subtitle="Quantizes one layer at a time with the calibration inputs and measures how far the model output moves. Lower SQNR = that layer hurts accuracy more."
      testId="sensitivity-section"
      actions={
        <Box sx={{ display: 'flex', gap: 1 }}>
          {worst3.length > 0 && (
            <Button size="small" variant="outlined" onClick={() => onKeepFloat(worst3)} data-testid="sensitivity-keep-float">
              Keep worst {worst3.length} in float
            </Button>
          )}
          <Button variant="outlined" startIcon={<InsightsIcon />} onClick={run} disabled={!modelId || !calibrationNpy || busy} data-testid="sensitivity-run">
            Analyse layer sensitivity
          </Button>
        </Box>
      }
    >
      {!calibrationNpy && !job && (
        <Typography variant="body2" color="text.secondary">
          Needs calibration inputs: fill in the calibration .npy path in the recipe above.
        </Typography>
      )}
      {calibrationNpy && !job && !runner.error && (
        <Typography variant="body2" color="text.secondary">
          Run it before a static INT8 or tuning recipe to see which layers to keep in float. It takes longer than a single quantization.
        </Typography>
      )}
      {runner.error && <ErrorCard error={runner.error} />}
      {job && job.state !== 'succeeded' && <JobProgress job={job} onCancel={runner.cancel} testId="sensitivity-progress" />}
      {job?.state === 'succeeded' && !report && (
        <ErrorCard error={{ title: 'No sensitivity report', detail: 'The analysis finished but returned no per-layer results.' }} />
      )}
      {report && <SensitivityChart report={report} />}
    </SectionCard>
  );
}

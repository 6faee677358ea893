import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import { Box, Button, Chip, Collapse, Table, TableBody, TableCell, TableHead, TableRow, Tooltip, Typography } from '@mui/material';
import { useState, type ReactNode } from 'react';
import type { OptimizeRecipe, VariantMetrics, VariantRow } from '../../../../electron/core/api/types.js';
import { formatBytes, formatMs } from '../../format/format.js';
import { opColor } from '../../format/op-colors.js';
import { monoFont } from '../../theme.js';
import { bad, dropText, pct } from './metrics.js';

/** A titled list that opens on demand. */
function Collapsible({ title, count, testId, children, defaultOpen = false }: { title: string; count: number; testId: string; children: ReactNode; defaultOpen?: boolean }) {
  const [open, setOpen] = useState(defaultOpen);
  return (
    <Box data-testid={testId}>
      <Button
        size="small"
        color="inherit"
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        data-testid={`${testId}-toggle`}
        endIcon={<ExpandMoreIcon sx={{ transform: open ? 'rotate(180deg)' : 'none', transition: 'transform 150ms' }} />}
        sx={{ px: 0.5 }}
      >
        {title} ({count})
      </Button>
      <Collapse in={open} unmountOnExit>
        <Box sx={{ pt: 0.5, pl: 0.5 }}>{children}</Box>
      </Collapse>
    </Box>
  );
}

const OpCell = ({ op }: { op: string }) => (
  <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.75 }}>
    <Box component="span" sx={{ width: 10, height: 10, borderRadius: '2px', bgcolor: opColor(op), flexShrink: 0 }} />
    {op}
  </Box>
);

function recipeFacts(r: OptimizeRecipe): string[] {
  const facts: string[] = [];
  if (r.method) facts.push(`method ${r.method}`);
  if (r.perChannel !== undefined) facts.push(r.perChannel ? 'per-channel' : 'per-tensor');
  if (r.activationType) facts.push(`activations ${r.activationType}`);
  if (r.maxDrop !== undefined) facts.push(`max drop ${(r.maxDrop * 100).toFixed(2)} pts`);
  if (r.minAgreement !== undefined) facts.push(`min agreement ${(r.minAgreement * 100).toFixed(1)} %`);
  if (r.minSqnrDb !== undefined) facts.push(`min SQNR ${r.minSqnrDb} dB`);
  if (r.exclude?.length) facts.push(`kept in float: ${r.exclude.join(', ')}`);
  return facts;
}

function TuningSteps({ steps, metrics, parentTop1, budgetPts }: { steps: NonNullable<VariantMetrics['tuning']>['steps']; metrics: VariantMetrics; parentTop1: number | null; budgetPts: number }) {
  return (
    <Box data-testid="tuning-steps">
      <Typography variant="subtitle2" sx={{ mb: 0.5 }}>
        Tuning steps{' '}
        <Typography component="span" variant="caption" color="text.secondary">
          each step keeps more layers in float until the top-1 drop is within {budgetPts.toFixed(2)} pts
        </Typography>
      </Typography>
      <Table size="small" sx={{ '& td, & th': { py: 0.5 }, maxWidth: 980 }}>
        <TableHead>
          <TableRow>
            <TableCell sx={{ width: 96 }}>Step</TableCell>
            <TableCell>Kept in float</TableCell>
            <TableCell align="right">Top-1</TableCell>
            <TableCell align="right">vs float</TableCell>
            <TableCell align="right">Size</TableCell>
            <TableCell align="right">p50</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {steps.map((s, i) => {
            const drop = parentTop1 === null ? null : (parentTop1 - s.top1) * 100;
            const chosen = s.sizeBytes === metrics.sizeBytes && s.top1 === metrics.top1;
            return (
              <TableRow key={i} data-testid="tuning-step" selected={chosen}>
                <TableCell sx={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                  {i + 1}
                  {chosen && <Chip label="kept" color="primary" variant="outlined" sx={{ ml: 0.75, height: 18 }} />}
                </TableCell>
                <TableCell sx={{ fontFamily: monoFont, fontSize: 12, maxWidth: 460 }}>
                  {s.keptFloat.length === 0 ? (
                    <Typography component="span" variant="body2" color="text.secondary">
                      nothing (all INT8)
                    </Typography>
                  ) : (
                    <Tooltip title={<Box sx={{ fontFamily: monoFont, whiteSpace: 'pre-line' }}>{s.keptFloat.join('\n')}</Box>}>
                      <Box component="span" sx={{ display: 'block', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                        {s.keptFloat.length} · {s.keptFloat.join(', ')}
                      </Box>
                    </Tooltip>
                  )}
                </TableCell>
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{pct(s.top1, 2)}</TableCell>
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums', color: drop !== null && drop > budgetPts + 1e-9 ? bad : undefined }}>
                  {dropText(drop)}
                </TableCell>
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{formatBytes(s.sizeBytes)}</TableCell>
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{formatMs(s.latencyP50Ms)}</TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </Box>
  );
}

/** What made a variant and what it left behind: recipe, tuning steps, float nodes, ORT operators. */
export function VariantDetails({ row, parent, budgetPts }: { row: VariantRow; parent: VariantRow; budgetPts: number }) {
  const m = row.metrics;
  const facts = row.recipe ? recipeFacts(row.recipe) : [];
  return (
    <Box data-testid="variant-details" sx={{ display: 'flex', flexDirection: 'column', gap: 1.25, py: 1 }}>
      {(facts.length > 0 || m?.evaluatedOn) && (
        <Typography variant="body2" color="text.secondary">
          {facts.join(' · ')}
          {m?.evaluatedOn && (
            <>
              {facts.length > 0 && ' · '}evaluated on <Box component="span" sx={{ fontFamily: monoFont, fontSize: 12 }}>{m.evaluatedOn}</Box>
            </>
          )}
        </Typography>
      )}
      {!m && <Typography variant="body2" color="text.secondary">No measurements stored for this variant.</Typography>}
      {m?.tuning && m.tuning.steps.length > 0 && <TuningSteps steps={m.tuning.steps} metrics={m} parentTop1={parent.metrics?.top1 ?? null} budgetPts={budgetPts} />}
      {m?.floatNodes && (
        <Collapsible title="Kept in float" count={m.floatNodes.length} testId="float-nodes">
          {m.floatNodes.length === 0 ? (
            <Typography variant="body2" color="text.secondary">
              Every Conv, Gemm and MatMul runs in INT8.
            </Typography>
          ) : (
            <Table size="small" sx={{ '& td, & th': { py: 0.4 }, maxWidth: 980 }}>
              <TableHead>
                <TableRow>
                  <TableCell>Node</TableCell>
                  <TableCell>Op type</TableCell>
                  <TableCell>Why it stayed float</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {m.floatNodes.map((n) => (
                  <TableRow key={n.name} data-testid="float-node">
                    <TableCell sx={{ fontFamily: monoFont, fontSize: 12, overflowWrap: 'anywhere' }}>{n.name}</TableCell>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>
                      <OpCell op={n.opType} />
                    </TableCell>
                    <TableCell>{n.reason ?? <Typography component="span" variant="body2" color="text.secondary">no reason recorded</Typography>}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </Collapsible>
      )}
      {m?.requiredOperators && (
        <Collapsible title="Operators a minimal ONNX Runtime build must include" count={m.requiredOperators.length} testId="required-operators">
          <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5 }}>
            {[...m.requiredOperators].sort().map((op) => (
              <Chip key={op} label={op} variant="outlined" sx={{ fontFamily: monoFont, fontSize: 12 }} data-testid="required-operator" />
            ))}
          </Box>
        </Collapsible>
      )}
    </Box>
  );
}

/** Whether a row has anything to show below it. */
export const hasDetails = (row: VariantRow) =>
  !!row.recipe || !!row.metrics?.tuning?.steps.length || !!row.metrics?.floatNodes || !!row.metrics?.requiredOperators || !!row.metrics?.evaluatedOn;

import { Box, LinearProgress, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import type { RolloutDetail, RolloutGateInfo, RolloutGateResult } from '../../../../electron/core/api/types.js';
import { gateKey, gateLabel } from '../../../../electron/core/api/gate-key.js';
import { formatGateValue, GateStatusChip } from './rollout-look.js';

/** The latest stage that has gate results, else null. */
function lastEvaluated(rollout: RolloutDetail): { stage: number; results: RolloutGateResult[] } | null {
  for (let i = rollout.stages.length - 1; i >= 0; i--) {
    const r = rollout.stages[i].gateResults;
    if (r && r.length) return { stage: i, results: r };
  }
  return null;
}

/** Each gate's measured value against its threshold, for the stage judged last. */
export function GateTable({ rollout, info }: { rollout: RolloutDetail; info: RolloutGateInfo[] }) {
  const byKind = new Map(info.map((g) => [g.kind, g]));
  const judged = lastEvaluated(rollout);
  const results = new Map((judged?.results ?? []).map((r) => [gateKey(r), r]));
  return (
    <Box>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        {judged ? `As judged at the end of stage ${judged.stage + 1}'s soak.` : 'Judged when the first stage has soaked; thresholds below.'}
      </Typography>
      <Table size="small" data-testid="gate-table">
        <TableHead>
          <TableRow>
            <TableCell>Gate</TableCell>
            <TableCell align="right">Measured</TableCell>
            <TableCell sx={{ width: 160 }} />
            <TableCell align="right">Limit</TableCell>
            <TableCell align="right">Devices</TableCell>
            <TableCell>Result</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rollout.gates.map((g) => {
            const gi = byKind.get(g.kind);
            const r = results.get(gateKey(g));
            const label = gateLabel(g, gi?.title);
            const ratio = r?.value != null && g.max > 0 ? Math.min(1, r.value / g.max) : r?.value ? 1 : 0;
            return (
              <TableRow key={gateKey(g)} data-testid="gate-row" data-kind={g.kind} data-status={r?.status ?? 'pending'}>
                <TableCell>
                  <Typography variant="body2" sx={{ fontWeight: 600 }}>
                    {label}
                  </Typography>
                  <Typography variant="caption" color="text.secondary">
                    {r?.explanation ?? gi?.description}
                  </Typography>
                </TableCell>
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums', fontWeight: 600, color: r?.status === 'fail' ? 'error.main' : undefined }}>
                  {formatGateValue(r?.value ?? null, gi?.unit)}
                </TableCell>
                <TableCell>
                  <LinearProgress
                    variant="determinate"
                    value={r ? ratio * 100 : 0}
                    color={r?.status === 'fail' ? 'error' : r?.status === 'pass' ? 'success' : 'inherit'}
                    sx={{ height: 6, borderRadius: 3 }}
                    aria-label={`${label} against its limit`}
                  />
                </TableCell>
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                  ≤ {formatGateValue(g.max, gi?.unit)}
                </TableCell>
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                  {r ? `${r.devices} / ${r.minDevices}` : `min ${g.minDevices}`}
                </TableCell>
                <TableCell>{r ? <GateStatusChip status={r.status} /> : <Typography variant="body2" color="text.disabled">not yet</Typography>}</TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </Box>
  );
}

import { Box, LinearProgress, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useMemo } from 'react';
import type { NodeMacs } from '../../../../electron/core/api/types.js';
import { formatMacs, formatPercent } from '../../format/format.js';
import { opColor } from '../../format/op-colors.js';
import { monoFont } from '../../theme.js';

/** The ten nodes with the most multiply-accumulates. */
export function TopMacsTable({ perNode, total }: { perNode: NodeMacs[]; total: number }) {
  const top = useMemo(() => [...perNode].sort((a, b) => b.macs - a.macs).slice(0, 10), [perNode]);
  if (top.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        No node has a MAC count (the analysis found no Conv, Gemm or MatMul it could size).
      </Typography>
    );
  }
  return (
    <Table size="small" data-testid="top-macs">
      <TableHead>
        <TableRow>
          <TableCell>Node</TableCell>
          <TableCell>Op</TableCell>
          <TableCell align="right">MACs</TableCell>
          <TableCell sx={{ width: '30%' }}>Share</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {top.map((n) => {
          const share = total > 0 ? n.macs / total : 0;
          return (
            <TableRow key={n.name}>
              <TableCell sx={{ fontFamily: monoFont, fontSize: 12, overflowWrap: 'anywhere' }}>{n.name}</TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>
                <Box component="span" sx={{ display: 'inline-block', width: 10, height: 10, borderRadius: '2px', bgcolor: opColor(n.opType), mr: 1 }} />
                {n.opType}
              </TableCell>
              <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                {formatMacs(n.macs)}
              </TableCell>
              <TableCell>
                <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
                  <LinearProgress variant="determinate" value={share * 100} sx={{ flex: 1, height: 6, borderRadius: 3 }} />
                  <Typography variant="caption" sx={{ width: 44, textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}>
                    {formatPercent(share)}
                  </Typography>
                </Box>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

import { Box, Chip, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from '@mui/material';
import type { BundleRecord } from './bundle-types.js';
import { formatTime } from '../../format/format.js';
import { daysLeft, formatDaysLeft } from './bundle-expiry.js';
import { BundleWaves } from './BundleWaves.js';

interface Props {
  bundles: BundleRecord[];
  /** The bundle whose plan is being started or continued. */
  runningId: string | null;
  onRun: (id: string, proceed: boolean) => void;
}

/** Imported bundles, newest first, with the state of each plan wave. */
export function BundlesTable({ bundles, runningId, onRun }: Props) {
  return (
    <TableContainer>
      <Table size="small" data-testid="bundles-table">
        <TableHead>
          <TableRow>
            <TableCell>Bundle</TableCell>
            <TableCell>Site</TableCell>
            <TableCell align="right">Version</TableCell>
            <TableCell>Signed</TableCell>
            <TableCell>Expires</TableCell>
            <TableCell>Models</TableCell>
            <TableCell sx={{ width: '38%' }}>Plan</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {bundles.map((b) => {
            const expired = daysLeft(b.expires) < 0;
            return (
              <TableRow key={b.id} data-testid="bundle-row" data-id={b.id} sx={{ verticalAlign: 'top' }}>
                <TableCell sx={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}>{b.id}</TableCell>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>{b.site}</TableCell>
                <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                  v{b.version}
                </TableCell>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatTime(b.createdAt)}</TableCell>
                <TableCell sx={{ whiteSpace: 'nowrap' }} data-testid="bundle-expires">
                  <div>{formatTime(b.expires)}</div>
                  {expired ? (
                    <Chip size="small" color="error" label="expired" data-testid="bundle-expired" sx={{ mt: 0.5 }} />
                  ) : (
                    <Typography variant="caption" color="text.secondary">
                      {formatDaysLeft(b.expires)}
                    </Typography>
                  )}
                </TableCell>
                <TableCell>
                  <Box sx={{ display: 'flex', flexDirection: 'column', gap: 0.25 }}>
                    {b.models.map((m) => (
                      <Typography key={m.sha256} variant="body2" data-testid="bundle-model" sx={{ whiteSpace: 'nowrap' }}>
                        {m.name} v{m.version}
                        {m.created ? '' : ' (already here)'}
                      </Typography>
                    ))}
                    {b.agents.map((a) => (
                      <Typography key={a.arch} variant="body2" color="text.secondary" sx={{ whiteSpace: 'nowrap' }}>
                        agent linux-{a.arch} {a.agentVersion}
                      </Typography>
                    ))}
                    {b.models.length === 0 && b.agents.length === 0 && '–'}
                  </Box>
                </TableCell>
                <TableCell>
                  <BundleWaves bundle={b} busy={runningId === b.id} onRun={(proceed) => onRun(b.id, proceed)} />
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

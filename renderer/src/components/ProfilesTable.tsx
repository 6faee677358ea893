import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import type { ProfileSummary } from '../../../electron/core/api/types.js';
import { formatMs, formatTime } from '../format/format.js';
import { href, navigate } from '../router/hash-route.js';

/** Stored profiles as a table; a row opens it on the Profiling page. */
export function ProfilesTable({ profiles, selectedId, onOpen }: { profiles: ProfileSummary[]; selectedId?: string | null; onOpen?: (p: ProfileSummary) => void }) {
  if (profiles.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary" data-testid="profiles-empty">
        No profiles stored yet.
      </Typography>
    );
  }
  const open = onOpen ?? ((p: ProfileSummary) => navigate(href('profiling', [], { model: p.modelId ?? undefined, profile: p.id })));
  return (
    <Table size="small" data-testid="profile-list">
      <TableHead>
        <TableRow>
          <TableCell>Profiled</TableCell>
          <TableCell>Model</TableCell>
          <TableCell>Device</TableCell>
          <TableCell align="right">Runs</TableCell>
          <TableCell align="right">Mean</TableCell>
          <TableCell align="right">p95</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {profiles.map((p) => (
          <TableRow
            key={p.id}
            hover
            selected={p.id === selectedId}
            onClick={() => open(p)}
            sx={{ cursor: 'pointer' }}
            data-testid="profile-row"
            data-profile-id={p.id}
          >
            <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatTime(p.createdAt)}</TableCell>
            <TableCell>{p.modelName}</TableCell>
            <TableCell>
              {p.device.name} <Typography component="span" variant="caption" color="text.secondary">({p.device.arch})</Typography>
            </TableCell>
            <TableCell align="right">{p.options.runs}</TableCell>
            <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{formatMs(p.latencyMs.mean)}</TableCell>
            <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{formatMs(p.latencyMs.p95)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

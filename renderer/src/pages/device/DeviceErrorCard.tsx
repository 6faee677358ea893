import { Box, Typography } from '@mui/material';
import type { DeviceDetail } from '../../../../electron/core/api/types.js';
import { ErrorCard } from '../../components/ErrorCard.js';
import { formatTime } from '../../format/format.js';
import { monoFont } from '../../theme.js';

/** One problem a line: the protocol error's detail names each field as `path`: expected …, received …. */
function problemLines(detail: string): string {
  return detail
    .replace(/(problems?\)): (?=`)/, '$1:\n')
    .replace(/; (?=`|and \d+ more)/g, ';\n')
    .replace(/\. (Fix the device's|The request must match)/, '.\n$1');
}

/** Why the device's last refresh or read failed, and the last exchanges of its protocol log. */
export function DeviceErrorCard({ device }: { device: DeviceDetail }) {
  const error = device.lastError;
  if (!error) return null;
  const recent = device.exchanges.slice(-5).reverse();
  return (
    <Box data-testid="device-error" sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      <ErrorCard error={{ ...error, detail: problemLines(error.detail) }} />
      {recent.length > 0 && (
        <Box data-testid="device-exchanges" sx={{ px: 2 }}>
          <Typography variant="caption" color="text.secondary" component="p">
            Last exchanges with the device (newest first); all of them: <code>edgefleet devices log {device.id}</code>
          </Typography>
          {recent.map((e) => (
            <Typography key={`${e.at}-${e.op}`} variant="body2" data-testid="device-exchange" sx={{ fontFamily: monoFont, fontSize: 12, color: e.ok ? 'text.secondary' : 'error.light', overflowWrap: 'anywhere' }}>
              {formatTime(e.at)} {e.op} {e.ok ? 'ok' : `failed: ${e.error?.title ?? 'error'}`} ({e.durationMs} ms)
            </Typography>
          ))}
        </Box>
      )}
    </Box>
  );
}

import { Alert, AlertTitle } from '@mui/material';
import type { DeviceDetail } from '../../../../electron/core/api/types.js';
import { formatAgo, formatTime } from '../../format/format.js';
import { href } from '../../router/hash-route.js';

/** How long a revert stays on the device page (the Fleet grid's Last change column keeps it). */
const showForMs = 24 * 3600_000;

/**
 * A revert the device made by itself, beside its health: the safety net worked and the device serves its
 * confirmed model, so this is news for a person, not a fault.
 */
export function LastChangeNotice({ device }: { device: DeviceDetail }) {
  const c = device.lastChange;
  if (!c?.reverted || Date.now() - Date.parse(c.at) > showForMs) return null;
  const serving = device.activeModel ? `It serves ${device.activeModel.name} ${device.activeModel.version}` : 'It serves no model now';
  return (
    <Alert severity="info" variant="outlined" data-testid="device-last-change" data-kind={c.kind}>
      <AlertTitle>
        Reverted by itself {formatAgo(c.at)} <span title={formatTime(c.at)}>({formatTime(c.at)})</span>
      </AlertTitle>
      {c.detail} {serving}: the device took the new model off on its own, which is the safety net working, not a fault.
      {c.rolloutId && (
        <>
          {' '}
          Caused by <a href={href('rollouts', [c.rolloutId])}>rollout {c.rolloutId}</a>.
        </>
      )}
    </Alert>
  );
}

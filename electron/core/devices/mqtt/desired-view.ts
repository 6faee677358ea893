// The desired-state row as front ends show it: the model named, and whether the device caught up.
import type { DesiredStateView } from '../../api/types.js';
import { desiredStateSchema } from '../../../../resources/device-protocol/mqtt/desired-state.js';
import type { DesiredRow } from './desired-store.js';

export function desiredView(deviceId: string, row: DesiredRow | null): DesiredStateView {
  const doc = row?.document ? desiredStateSchema.safeParse(JSON.parse(row.document)) : null;
  const model = doc?.success ? doc.data.model : null;
  const reported = row?.reported ?? null;
  return {
    deviceId,
    version: row?.version ?? 0,
    model: model ? { name: model.signed.manifest.name, version: model.signed.manifest.version, sha256: model.signed.manifest.sha256 } : null,
    url: model?.url ?? null,
    healthyWindowSec: model?.activate.healthyWindowSec ?? null,
    source: row?.source ?? null,
    updatedAt: row?.updatedAt ?? null,
    published: !!row?.publishedAt,
    reported: reported ? { version: reported.version, outcome: reported.outcome, detail: reported.detail, at: reported.at } : null,
    converged: !!row && !!reported && reported.version >= row.version && reported.outcome !== 'pending',
  };
}

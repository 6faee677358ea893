// Whether one device gets a model as a delta: it must run (or keep in its other slot) a model whose
// bytes the registry has, take deltas (its info says so), and the delta must be well below the model's
// size. The answer is the delta's signed manifest, or why the model goes in full.
import type { DeployDeviceProgress } from '../api/types.js';
import { toErrorData } from '../api/errors.js';
import { deltaFormat } from '../../../resources/device-protocol/delta/delta-format.js';
import type { DeviceLink } from '../../../resources/device-protocol/device-link.js';
import { deltaCapability, signManifest, type KeyInput } from '../../../resources/device-protocol/manifest.js';
import type { DeviceStatus, Manifest, SignedManifest } from '../../../resources/device-protocol/messages.js';
import { deltaBetween } from './delta-cache.js';

/** A delta larger than this share of the model is not worth its build and the device's rebuild. */
export const maxDeltaRatio = 0.6;

export interface DeltaOptions {
  /** The console's home: its artifact store holds the base's bytes, and the cache of built deltas. */
  home: string;
  /** The device's status just before the deploy: the models it holds. */
  status: DeviceStatus | null;
  /** Signs the delta's manifest (the model's manifest plus `delta`). */
  privateKey: KeyInput;
  /** false: always the full model (edgefleet deploy --no-delta). */
  enabled: boolean;
}

export interface DeltaPlan {
  path: string;
  signed: SignedManifest;
  bytes: number;
  base: string;
}

export type Transfer = NonNullable<DeployDeviceProgress['transfer']>;

function full(manifest: Manifest, reason: string): { plan: null; transfer: Transfer } {
  return { plan: null, transfer: { mode: 'full', bytes: manifest.size, reason } };
}

/** Never throws: any trouble building or asking means the full model. */
export async function planDelta(link: DeviceLink, signed: SignedManifest, o: DeltaOptions): Promise<{ plan: DeltaPlan | null; transfer: Transfer }> {
  const m = signed.manifest;
  if (!o.enabled) return full(m, 'deltas turned off for this deploy');
  const held = [o.status?.active?.manifest.sha256, o.status?.previous?.manifest.sha256].filter((s): s is string => !!s && s !== m.sha256);
  if (held.length === 0) return full(m, 'the device holds no other model to build on');
  try {
    const info = await link.call('info');
    if (!info.capabilities?.includes(deltaCapability)) return full(m, 'the device does not take deltas');
    for (const base of held) {
      const delta = await deltaBetween(o.home, base, m.sha256);
      if (!delta) continue;
      if (delta.bytes > maxDeltaRatio * m.size) {
        return full(m, `a delta would be ${Math.round((100 * delta.bytes) / Math.max(1, m.size))} % of the model`);
      }
      const manifest: Manifest = { ...m, delta: { base, format: deltaFormat, bytes: delta.bytes, sha256: delta.sha256 } };
      return {
        plan: { path: delta.path, signed: { manifest, signature: signManifest(o.privateKey, manifest) }, bytes: delta.bytes, base },
        transfer: { mode: 'delta', bytes: delta.bytes, base },
      };
    }
    return full(m, 'the model the device holds is not in the registry');
  } catch (err) {
    const e = toErrorData(err);
    return full(m, `no delta: ${e.title}: ${e.detail}`);
  }
}

// Models in a bundle as deltas against what the site already holds (its last report says which models
// its devices and console have): the connected console picks, per model, the smallest delta over the
// site's models of the same name, and carries it when it is below 90 % of the full file. Whoever imports
// rebuilds the full model from its own copy of the base and checks the signed sha256; without the base
// the import stops and says which bundle to ask for.
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { AppError } from '../api/errors.js';
import type { ModelSummary } from '../api/types.js';
import { deltaBetween, type CachedDelta } from '../devices/delta-cache.js';
import type { Registry } from '../registry/registry.js';
import { artifactPath } from '../registry/artifact-store.js';
import { applyDelta } from '../../../resources/device-protocol/delta/apply-delta.js';
import { modelDeltaPath, modelPath, type ModelMeta } from './bundle-contents.js';

export const deltaWorthRatio = 0.9;

/** The smallest worthwhile delta for `model` over the site's models of the same name, or null. */
export async function bestBundleDelta(home: string, registry: Registry, model: ModelSummary, siteHolds: ReadonlySet<string>): Promise<CachedDelta | null> {
  if (siteHolds.has(model.sha256)) return null;
  let best: CachedDelta | null = null;
  for (const sha of siteHolds) {
    const base = registry.findBySha256(sha);
    if (!base || base.name !== model.name || !existsSync(artifactPath(home, sha))) continue;
    const d = await deltaBetween(home, sha, model.sha256);
    if (d && (!best || d.bytes < best.bytes)) best = d;
  }
  return best && best.bytes < model.sizeBytes * deltaWorthRatio ? best : null;
}

/**
 * The full model file of `meta` in staging: the carried file, or the delta rebuilt against the base
 * `findBase` locates (the site console's artifact store, a device's slot), checked against the signed size and sha256.
 */
export async function materializeModel(meta: ModelMeta, files: Map<string, string>, findBase: (sha256: string) => string | null, staging: string): Promise<string> {
  if (!meta.delta) {
    const file = files.get(modelPath(meta.sha256));
    if (!file) throw new AppError('BUNDLE_INCOMPLETE', 'A model in the bundle has no file', `models/${meta.sha256} is described but not carried.`);
    return file;
  }
  const deltaFile = files.get(modelDeltaPath(meta.sha256));
  if (!deltaFile) throw new AppError('BUNDLE_INCOMPLETE', 'A model delta in the bundle is missing', `models/${meta.sha256}.efd is described but not carried.`);
  const base = findBase(meta.delta.base);
  if (!base) {
    throw new AppError(
      'BUNDLE_DELTA_BASE_MISSING',
      'The bundle carries a model as a delta against one that is not here',
      `${meta.name} v${meta.version} travels as a delta against ${meta.delta.base.slice(0, 12)}…, which this ${'console or device'} does not hold (the connected console judged from an older report). Ask for a bundle with full models: edgefleet bundle create … --no-delta.`,
    );
  }
  const out = path.join(staging, `rebuilt-${meta.sha256}`);
  await fsp.rm(out, { force: true });
  await applyDelta({ deltaPath: deltaFile, basePath: base, outPath: out, expect: { sha256: meta.sha256, size: meta.sizeBytes, base: meta.delta.base } });
  return out;
}

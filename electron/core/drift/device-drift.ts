// One device's drift over a period, for its page: each stored window of the model it serves now, judged
// alone against the model's reference profile (a point of the chart), and all of them merged (the table).
// A window with fewer samples than the judge needs is a point without a value, not a zero.
import type { DeviceDrift, DeviceDriftSummary, DeviceSummary } from '../api/types.js';
import { judgeDrift } from '../../../resources/device-protocol/drift/judge.js';
import { SketchSet } from '../../../resources/device-protocol/drift/sketch-set.js';
import { driftLevel, levelExplanation, psiThresholds } from '../../../resources/device-protocol/drift/distances.js';
import type { DriftStore } from './drift-store.js';
import type { ReferenceStore } from './reference-store.js';

/** Fewest samples a single window needs to be drawn; the merged table uses the judge's own minimum. */
export const minPointSamples = 100;

export async function deviceDrift(device: DeviceSummary, drift: DriftStore, references: ReferenceStore, sinceMs: number): Promise<DeviceDrift> {
  const since = new Date(sinceMs).toISOString();
  const base = { since, thresholds: { watch: psiThresholds.watch, act: psiThresholds.act }, explanations: levelExplanation };
  const model = device.activeModel;
  if (!model?.sha256) return { ...base, model: null, reference: null, note: 'The device serves no model the console knows by its hash yet.', points: [], merged: null };
  const windows = drift.windows(device.id).filter((w) => w.model === model.sha256 && w.endMs >= sinceMs);
  const ref = await references.get(model.sha256);
  const shown = { name: model.name, version: model.version, sha256: model.sha256 };
  if (!ref.profile) return { ...base, model: shown, reference: null, note: ref.reason, points: [], merged: null };
  const profile = ref.profile;
  let merged: SketchSet | null = null;
  const points = windows.map((w) => {
    const set = SketchSet.fromJSON(w.sketch, `stored drift window of ${device.id}`);
    const j = judgeDrift(profile, set, { minSamples: minPointSamples });
    // The judge only reads the window, so it can then become (or join) the merged one.
    if (merged) merged.merge(set);
    else merged = set;
    return {
      start: new Date(w.startMs).toISOString(),
      end: new Date(w.endMs).toISOString(),
      samples: w.samples,
      inputPsi: j.enough ? (j.worst.input?.psi ?? null) : null,
      outputPsi: j.enough ? (j.worst.output?.psi ?? null) : null,
    };
  });
  const all = merged as SketchSet | null;
  const judged = all ? judgeDrift(profile, all) : null;
  return {
    ...base,
    model: shown,
    reference: { samples: profile.sketches.samples },
    note: windows.length === 0 ? 'No drift window of this model has arrived in the period.' : null,
    points,
    merged: judged
      ? {
          samples: judged.samples,
          enough: judged.enough,
          minSamples: judged.minSamples,
          features: judged.features.map((f) => ({ key: f.key, group: f.group, psi: f.psi, ks: f.ks, js: f.js, level: f.level })),
          missing: judged.missing,
        }
      : null,
  };
}

/** What the Fleet grid's column is judged over. */
export const gridDriftWindowMs = 3_600_000;

/**
 * The active model's last hour merged and judged, for the grid; null when there is nothing to judge (no
 * window, no reference, too few samples), undefined when the device is gone.
 */
export async function judgeDeviceDrift(ctx: { store: { get(id: string): DeviceSummary | null }; drift: DriftStore; references: ReferenceStore }, id: string, now = Date.now()): Promise<DeviceDriftSummary | null | undefined> {
  const device = ctx.store.get(id);
  if (!device) return undefined;
  const sha = device.activeModel?.sha256;
  if (!sha) return null;
  const merged = ctx.drift.merged(id, sha, now - gridDriftWindowMs);
  if (!merged) return null;
  const ref = await ctx.references.get(sha);
  if (!ref.profile) return null;
  const j = judgeDrift(ref.profile, merged);
  const worst = j.worst.overall;
  if (!j.enough || !worst) return null;
  return { psi: worst.psi, inputPsi: j.worst.input?.psi ?? null, outputPsi: j.worst.output?.psi ?? null, level: driftLevel(worst.psi), model: sha, samples: j.samples, at: new Date(now).toISOString() };
}

// Judges a (merged) device window against a model's reference profile: per statistic PSI over the
// reference's decile bins, KS from the digests' CDFs and Jensen–Shannon over the same bins, the level
// PSI puts it at, and the worst input and output statistic (what `input-drift` and `score-drift` read).
import { digestMasses, driftLevel, jensenShannon, ksDistance, levelExplanation, psi, type DriftLevel } from './distances.js';
import type { ReferenceProfile } from './reference-data.js';
import { sketchMismatch } from './sketch-errors.js';
import type { SketchSet } from './sketch-set.js';
import type { StatGroup } from './tensor-stats.js';

/**
 * PSI between two samples of the same distribution is not 0: it averages about (bins − 1)·(1/n + 1/m).
 * With 10 bins and 300 device samples that is ≈ 0.03, well under "watch"; at 100 it is ≈ 0.09, and noise
 * alone would trip it. So windows with fewer samples are reported but not judged.
 */
export const defaultMinSamples = 300;

export interface FeatureDrift {
  key: string;
  group: StatGroup;
  kind: 'numeric' | 'categorical';
  psi: number;
  /** null for categorical statistics. */
  ks: number | null;
  js: number;
  level: DriftLevel;
  explanation: string;
}

export interface DriftJudgement {
  model: string;
  samples: number;
  referenceSamples: number;
  /** false when the window holds fewer than minSamples samples: levels are then not to be acted on. */
  enough: boolean;
  minSamples: number;
  features: FeatureDrift[];
  /** Reference statistics the window did not carry. */
  missing: string[];
  worst: { input: FeatureDrift | null; output: FeatureDrift | null; overall: FeatureDrift | null };
}

export function judgeDrift(reference: ReferenceProfile, window: SketchSet, opts: { minSamples?: number } = {}): DriftJudgement {
  const ref = reference.sketches;
  const minSamples = opts.minSamples ?? defaultMinSamples;
  if (window.model !== ref.model) throw sketchMismatch(`The window describes model ${window.model.slice(0, 12)}…, the reference profile model ${ref.model.slice(0, 12)}….`);
  const features: FeatureDrift[] = [];
  const missing: string[] = [];
  for (const e of ref.entries()) {
    let f: Omit<FeatureDrift, 'level' | 'explanation' | 'key' | 'group' | 'kind'> | null = null;
    if (e.kind === 'numeric') {
      const refHist = ref.histogram(e.key)!;
      const refDigest = ref.digest(e.key)!;
      const cur = window.digest(e.key);
      if (cur?.count) {
        const curHist = window.histogram(e.key);
        // The device's own counts when it binned at the reference's edges; otherwise its digest's masses.
        const curMasses = curHist?.sameEdges(refHist.edges) ? curHist.counts : digestMasses(cur, refHist.edges);
        f = { psi: psi(refHist.counts, curMasses), ks: ksDistance(refDigest, cur), js: jensenShannon(refHist.counts, curMasses) };
      }
    } else {
      const refCounts = ref.classCounts(e.key)!;
      const cur = window.classCounts(e.key);
      if (cur && cur.length === refCounts.length && cur.some((c) => c > 0)) f = { psi: psi(refCounts, cur), ks: null, js: jensenShannon(refCounts, cur) };
    }
    if (!f) {
      missing.push(e.key);
      continue;
    }
    const level = driftLevel(f.psi);
    features.push({ key: e.key, group: e.group, kind: e.kind, ...f, level, explanation: levelExplanation[level] });
  }
  const worstOf = (xs: FeatureDrift[]) => xs.reduce<FeatureDrift | null>((w, x) => (!w || x.psi > w.psi ? x : w), null);
  return {
    model: ref.model,
    samples: window.samples,
    referenceSamples: ref.samples,
    enough: window.samples >= minSamples,
    minSamples,
    features,
    missing,
    worst: { input: worstOf(features.filter((x) => x.group === 'input')), output: worstOf(features.filter((x) => x.group === 'output')), overall: worstOf(features) },
  };
}

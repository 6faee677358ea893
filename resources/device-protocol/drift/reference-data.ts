// A model version's reference profile: the sketches of its calibration or evaluation data, with
// histogram edges at the reference's own deciles. The console stores it next to the model; devices
// get only its edges (referenceEdges), so their histograms bin at the same points.
import { Reader } from './sketch-errors.js';
import { SketchSet, type DriftEdges, type SketchSetData } from './sketch-set.js';

export const referenceFormat = 'edgefleet-drift-reference';

export interface ReferenceProfileData {
  format: typeof referenceFormat;
  v: 1;
  /** The model's sha256. */
  model: string;
  /** What it was computed from, for the UI. */
  source: { file: string; split: 'calibration' | 'evaluation'; rows: number };
  createdAt: string;
  sketches: SketchSetData;
}

export interface ReferenceProfile {
  data: ReferenceProfileData;
  sketches: SketchSet;
}

export function readReferenceProfile(raw: unknown, source = 'reference profile'): ReferenceProfile {
  const r = new Reader(source, 'profile', raw);
  r.object();
  if (r.at('format').value !== referenceFormat) r.at('format').fail(`must be "${referenceFormat}"`);
  if (r.at('v').value !== 1) r.at('v').fail(`must be 1 (the profile format version), not ${String(r.at('v').value)}`);
  r.at('model').string(128);
  const sketches = SketchSet.fromJSON(r.at('sketches').value, source);
  if (sketches.model !== r.at('model').value) r.at('sketches').at('model').fail('must name the same model as the profile');
  for (const e of sketches.entries()) if (e.kind === 'numeric' && !sketches.histogram(e.key)) r.at('sketches').at('stats').at(e.key).at('hist').fail('is missing; a reference profile bins every numeric statistic');
  return { data: raw as ReferenceProfileData, sketches };
}

/** What a device needs to bin like the reference. */
export function referenceEdges(profile: ReferenceProfile): DriftEdges {
  const edges: DriftEdges = {};
  for (const e of profile.sketches.entries()) {
    const h = profile.sketches.histogram(e.key);
    if (h) edges[e.key] = h.edges;
  }
  return edges;
}

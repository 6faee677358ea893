// Each model version's drift reference, kept as <home>/drift/<sha256>.json. Made the first time a
// gate needs it, from the evaluation or calibration data the registry knows for the model (its recipe,
// else the data beside its source file, else its parent's): without any, the answer says so in words.
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { toErrorData } from '../api/errors.js';
import type { ImagePreprocess, ModelSummary, OptimizeRecipe } from '../api/types.js';
import { artifactPath } from '../registry/artifact-store.js';
import type { Registry } from '../registry/registry.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { readReferenceProfile, type ReferenceProfile } from '../../../resources/device-protocol/drift/reference-data.js';

export type ReferenceLookup = { profile: ReferenceProfile; reason: null } | { profile: null; reason: string; built?: boolean };

interface DataChoice {
  data: string;
  split: 'calibration' | 'evaluation';
  preprocess?: ImagePreprocess;
}

export function referencePath(home: string, sha256: string): string {
  return path.join(home, 'drift', `${sha256}.json`);
}

export class ReferenceStore {
  /** One lookup per model per console process: a build runs the model over its whole data set. */
  private readonly cache = new Map<string, Promise<ReferenceLookup>>();

  constructor(
    private readonly home: string,
    private readonly registry: Registry,
  ) {}

  get(sha256: string): Promise<ReferenceLookup> {
    let p = this.cache.get(sha256);
    if (!p) {
      this.cache.set(sha256, (p = this.load(sha256)));
      // "No data known" is cheap to ask again, and data may be registered later: only builds are kept.
      void p.then((r) => {
        if (!r.profile && !r.built) this.cache.delete(sha256);
      });
    }
    return p;
  }

  private async load(sha256: string): Promise<ReferenceLookup> {
    const file = referencePath(this.home, sha256);
    if (existsSync(file)) {
      try {
        return { profile: readReferenceProfile(JSON.parse(await fsp.readFile(file, 'utf8')), file), reason: null };
      } catch (err) {
        // A damaged file is made again below from the data, as if it were missing.
        console.error(`edgefleet: drift reference ${file}: ${toErrorData(err).detail}`);
      }
    }
    const model = this.registry.findBySha256(sha256);
    if (!model) return { profile: null, reason: `Model ${sha256.slice(0, 12)}… is not in the registry, so its evaluation data is unknown.` };
    const choice = this.dataFor(model);
    if (!choice) {
      return {
        profile: null,
        reason: `No drift reference for ${model.name} v${model.version}: the registry knows no evaluation or calibration data for it (its recipe names none and no eval_inputs.npy or calibration.npy sits beside its source file). Optimize it with calibration data, or register it from a folder that holds them.`,
      };
    }
    try {
      const { buildReferenceProfile } = await import('./reference-profile.js');
      const data = await buildReferenceProfile({ model: artifactPath(this.home, sha256), data: choice.data, split: choice.split, preprocess: choice.preprocess });
      const profile = readReferenceProfile(data, file);
      await fsp.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await writeFileAtomic(file, `${JSON.stringify(data)}\n`, 0o600);
      return { profile, reason: null };
    } catch (err) {
      const e = toErrorData(err);
      return { profile: null, built: true, reason: `No drift reference for ${model.name} v${model.version} from ${path.basename(choice.data)}: ${e.title}. ${e.detail}` };
    }
  }

  /** The model's own evaluation data first, then calibration data; then its parent's (same inputs). */
  private dataFor(model: ModelSummary): DataChoice | null {
    const seen = new Set<string>();
    for (let m: ModelSummary | null = model; m && !seen.has(m.id); m = m.parentId ? this.registry.getModel(m.parentId) : null) {
      seen.add(m.id);
      const recipe = (m.recipe ?? null) as OptimizeRecipe | null;
      const beside = (name: string) => (m?.sourceFile ? path.join(path.dirname(m.sourceFile), name) : null);
      const candidates: (DataChoice | null)[] = [
        recipe?.evalInputsNpy ? { data: recipe.evalInputsNpy, split: 'evaluation', preprocess: recipe.preprocess } : null,
        recipe?.calibrationNpy ? { data: recipe.calibrationNpy, split: 'calibration', preprocess: recipe.preprocess } : null,
        beside('eval_inputs.npy') ? { data: beside('eval_inputs.npy')!, split: 'evaluation' } : null,
        beside('calibration.npy') ? { data: beside('calibration.npy')!, split: 'calibration' } : null,
      ];
      const found = candidates.find((c) => c && existsSync(c.data));
      if (found) return found;
    }
    return null;
  }
}

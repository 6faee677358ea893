// The global model of a round and the candidate a round makes of it. A round trains only a model that
// says how its windows are normalized (edgefleet.fl.* metadata), so every device and the console share
// one scale. The candidate is the same ONNX file with the aggregate's weights in its initializers (the
// metadata kept), registered as the next version of the same model, its lineage in the recipe.
import { createHash } from 'node:crypto';
import { promises as fsp, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAutoencoderWeights, writeAutoencoderWeights } from '../../../resources/agent/src/federated/autoencoder-onnx.js';
import { AppError } from '../api/errors.js';
import type { FlAggregation, ModelSummary } from '../api/types.js';
import { inspectFile } from '../inspect/inspect.js';
import { decodeModel } from '../onnx/codec.js';
import { artifactPath, storeArtifact } from '../registry/artifact-store.js';
import type { Registry } from '../registry/registry.js';

export const federatedKeys = ['edgefleet.fl.mean', 'edgefleet.fl.std', 'edgefleet.fl.window', 'edgefleet.fl.stride'] as const;

/** The lineage recipe of a version a round made. */
export interface FederatedLineage {
  federatedRound: string;
  participants: string[];
  dropped: string[];
  aggregation: FlAggregation;
  secure: boolean;
  lossBefore: number;
  lossAfter: number;
  /** DP rounds: ε of the round and of the lineage so far, at δ. */
  privacy?: { epsilon: number; total: number; delta: number; noiseMultiplier: number; clipNorm: number };
}

export function isFederatedLineage(recipe: unknown): recipe is FederatedLineage {
  return typeof recipe === 'object' && recipe !== null && typeof (recipe as FederatedLineage).federatedRound === 'string';
}

/** The model's parameter count; FL_MODEL_NOT_FEDERATED when it is not an autoencoder with the fl metadata. */
export function federatedModelInfo(bytes: Uint8Array, label: string): { paramCount: number } {
  let props: Map<string, string>;
  try {
    props = new Map((decodeModel(bytes).metadata_props ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  } catch {
    throw new AppError('FL_MODEL_NOT_FEDERATED', 'Model cannot be trained federated', `${label} could not be read as ONNX.`);
  }
  const missing = federatedKeys.filter((k) => !props.has(k));
  if (missing.length > 0) {
    throw new AppError(
      'FL_MODEL_NOT_FEDERATED',
      'Model cannot be trained federated',
      `${label} has no ${missing.join(', ')} metadata: the devices would not know how to normalize their windows. Use a model made by scripts/make-sensor-autoencoder.ts (or a round's version of one).`,
    );
  }
  try {
    return { paramCount: readAutoencoderWeights(bytes).parameterCount };
  } catch (err) {
    throw new AppError('FL_MODEL_NOT_FEDERATED', 'Model cannot be trained federated', `${label} is not an EdgeFleet dense autoencoder: ${(err as Error).message}`);
  }
}

export function readModelBytes(home: string, sha256: string): Uint8Array {
  return new Uint8Array(readFileSync(artifactPath(home, sha256)));
}

/** The global model's bytes with the candidate's weights (metadata and graph kept), and their sha256. */
export function candidateBytes(home: string, parentSha256: string, parameters: Float32Array): { bytes: Uint8Array; sha256: string } {
  const base = readModelBytes(home, parentSha256);
  const model = readAutoencoderWeights(base);
  if (model.parameterCount !== parameters.length) {
    throw new AppError('FL_SHAPE_MISMATCH', 'Candidate does not fit the model', `The aggregate has ${parameters.length} parameters, the model ${model.parameterCount}.`);
  }
  model.parameters.set(parameters);
  const bytes = writeAutoencoderWeights(base, model);
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Stores the candidate's bytes and registers them as the next version of the parent's model, with lineage. */
export async function registerCandidate(o: { home: string; registry: Registry; parent: { id: string; name: string }; bytes: Uint8Array; lineage: FederatedLineage }): Promise<ModelSummary> {
  const bytes = o.bytes;
  const dir = await mkdtemp(join(tmpdir(), 'ef-fl-'));
  try {
    const file = join(dir, 'model.onnx');
    await fsp.writeFile(file, bytes);
    const artifact = await storeArtifact(o.home, file);
    const inspect = await inspectFile(artifact.path);
    const { model: added } = o.registry.addModel({
      name: o.parent.name,
      sha256: artifact.sha256,
      sizeBytes: artifact.sizeBytes,
      sourceFile: null,
      inspect,
      parentId: o.parent.id,
      recipe: o.lineage,
    });
    return added;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// The autoencoder's ONNX form: onnxruntime-node serves it with the same reconstruction and score as the
// TS trainer, trained weights go back into the shipped graph without touching it, round trips are
// bit-exact, and files that are not such an autoencoder are refused with a reason.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, modelToObject } from '../../electron/core/onnx/codec.js';
import { autoencoderToOnnx, layerNames, readAutoencoderWeights, writeAutoencoderWeights } from '../../resources/agent/src/federated/autoencoder-onnx.js';
import { DenseAutoencoder } from '../../resources/agent/src/federated/dense-autoencoder.js';
import { parseNabCsv, slidingWindows, zNormalize } from '../../resources/agent/src/federated/sensor-windows.js';
import { trainLocal } from '../../resources/agent/src/federated/train-local.js';

const root = path.join(import.meta.dirname, '../..');
const shipped = new Uint8Array(readFileSync(path.join(root, 'resources/models/sensor-autoencoder/model.onnx')));
const mobilenet = new Uint8Array(readFileSync(path.join(root, 'resources/models/mobilenetv2-digits/model.onnx')));
const rows = parseNabCsv(readFileSync(path.join(root, 'resources/datasets/nab-machine-temperature/machine_temperature_system_failure.csv'), 'utf8'));
const windows = slidingWindows(zNormalize(rows).values, 32, 16);

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

function graphWithoutWeights(bytes: Uint8Array): unknown {
  const m = modelToObject(decodeModel(bytes)) as { graph: { initializer: { name: string; dims: string[] }[] } };
  m.graph.initializer = m.graph.initializer.map((t) => ({ name: t.name, dims: t.dims }));
  return m;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('autoencoder ONNX', () => {
  let trained: DenseAutoencoder;
  let written: Uint8Array;

  beforeAll(async () => {
    trained = readAutoencoderWeights(shipped);
    await trainLocal({ model: trained, windows, epochs: 3, batchSize: 64, learningRate: 3e-3, seed: 4 });
    written = writeAutoencoderWeights(shipped, trained);
  });

  it('is the shipped untrained model the script makes', () => {
    expect(readAutoencoderWeights(shipped).sizes).toEqual([32, 16, 4, 16, 32]);
    expect(readAutoencoderWeights(shipped).parameters).toEqual(DenseAutoencoder.create([32, 16, 4, 16, 32], 18).parameters);
    expect(layerNames([32, 16, 4, 16, 32])).toEqual(['enc0', 'enc1', 'dec0', 'dec1']);
    const inits = decodeModel(shipped).graph!.initializer!.map((t) => t.name);
    expect(inits).toEqual(['enc0.weight', 'enc0.bias', 'enc1.weight', 'enc1.bias', 'dec0.weight', 'dec0.bias', 'dec1.weight', 'dec1.bias']);
  });

  it('runs in onnxruntime-node with the TS forward’s reconstruction and score, after training and write-back', async () => {
    const session = await ort.InferenceSession.create(Buffer.from(written));
    expect(session.inputNames).toEqual(['window']);
    expect(session.outputNames).toEqual(['reconstruction', 'score']);
    const some = windows.slice(0, 200);
    const batch = new Float32Array(some.length * 32);
    some.forEach((w, i) => batch.set(w, i * 32));
    const out = await session.run({ window: new ort.Tensor('float32', batch, [some.length, 32]) });
    expect(out.reconstruction.dims).toEqual([some.length, 32]);
    expect(out.score.dims).toEqual([some.length]);
    const recon = trained.reconstruct(batch, some.length);
    const got = out.reconstruction.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < recon.length; i++) worst = Math.max(worst, Math.abs(got[i] - recon[i]));
    expect(worst).toBeLessThan(1e-4);
    const scores = trained.scores(some);
    const ortScores = out.score.data as Float32Array;
    for (let i = 0; i < scores.length; i++) expect(Math.abs(ortScores[i] - scores[i])).toBeLessThan(1e-4);
    // Training moved the weights, so the shipped model scores differently.
    const before = await (await ort.InferenceSession.create(Buffer.from(shipped))).run({ window: new ort.Tensor('float32', batch, [some.length, 32]) });
    expect(Math.abs((before.score.data as Float32Array)[0] - ortScores[0])).toBeGreaterThan(1e-3);
  });

  it('changes only the initializers’ values on write-back', () => {
    expect(graphWithoutWeights(written)).toEqual(graphWithoutWeights(shipped));
    expect(written).not.toEqual(shipped);
  });

  it('round-trips the weights bit-exactly', () => {
    const read = readAutoencoderWeights(written);
    expect(bits(read.parameters)).toEqual(bits(trained.parameters));
    const again = writeAutoencoderWeights(written, read);
    expect(bits(readAutoencoderWeights(again).parameters)).toEqual(bits(trained.parameters));
    expect(again).toEqual(written);
    const built = autoencoderToOnnx(trained);
    expect(bits(readAutoencoderWeights(built).parameters)).toEqual(bits(trained.parameters));
  });

  it('refuses a model that is not such an autoencoder', () => {
    const err = thrown(() => writeAutoencoderWeights(mobilenet, trained));
    expect(err).toMatchObject({ code: 'AUTOENCODER_ONNX_INVALID', title: 'Not an EdgeFleet autoencoder' });
    expect((err as Error).message).toMatch(/takes "window" and gives "reconstruction"; this model takes "input" and gives "logits"/);
    expect(() => readAutoencoderWeights(mobilenet)).toThrow(/Not an EdgeFleet autoencoder/);
    expect(() => readAutoencoderWeights(new Uint8Array([0xff, 0xff, 0xff, 0xff]))).toThrow(/could not be decoded as ONNX/);
  });

  it('names a missing initializer and a shape that does not chain', () => {
    const m = decodeModel(shipped);
    m.graph!.initializer = m.graph!.initializer!.filter((t) => t.name !== 'dec0.bias');
    expect(() => readAutoencoderWeights(encodeModel(m))).toThrow('Gemm "dec0/Gemm" has no initializer for its bias ("dec0.bias" is missing).');

    const n = decodeModel(shipped);
    n.graph!.initializer!.find((t) => t.name === 'enc1.weight')!.dims = [8, 8];
    expect(() => readAutoencoderWeights(encodeModel(n))).toThrow('Gemm "enc1/Gemm" has weight [8, 8] and bias [4]; expected weight [16, out] and bias [out].');

    const r = decodeModel(shipped);
    r.graph!.node!.find((x) => x.name === 'enc0/Relu')!.op_type = 'Sigmoid';
    expect(() => readAutoencoderWeights(encodeModel(r))).toThrow('"enc0.relu" (the input of Gemm "enc1/Gemm") should come from a Relu but comes from a Sigmoid.');
  });

  it('refuses weights of another shape', () => {
    const other = DenseAutoencoder.create([32, 8, 32], 1);
    expect(() => writeAutoencoderWeights(shipped, other)).toThrow('Weights do not fit the model: The ONNX autoencoder has layers 32→16→4→16→32; the weights are for 32→8→32.');
  });
});

// Models that load and pass the agent's health check, then fail later, built with the project's ONNX
// codec: what a trial's healthy window exists to catch.
import * as ort from 'onnxruntime-node';
import { selfTest, sessionOptions } from '../../resources/agent/src/health-check.js';
import { AttrType, encode, floatTensor, int64Tensor, model, valueInfo } from '../fixtures/onnx-models.js';

/**
 * X[batch, 4] -> Reshape to [1, 4]. The self-test feeds a batch of one (symbolic dimensions become 1)
 * and passes; a request with a batch of two matches the model's declared input, so the endpoint runs it,
 * and the run fails inside onnxruntime ("cannot be reshaped"): a failure the model itself makes.
 */
export function batchOfOneModel(): Uint8Array {
  return encode(
    model({
      name: 'batch-of-one',
      node: [{ name: 'flatten_to_one', op_type: 'Reshape', input: ['X', 'shape'], output: ['Y'] }],
      initializer: [int64Tensor('shape', [1, 4])],
      input: [valueInfo('X', ['batch', 4])],
      output: [valueInfo('Y', [1, 4])],
    }),
  );
}

/** An input for batchOfOneModel: `batch` rows of four floats, as the inference endpoint takes it. */
export function batchInput(batch: number): { inputs: { X: { dims: number[]; data: string } } } {
  const data = new Float32Array(batch * 4).map((_, i) => i / 10);
  return { inputs: { X: { dims: [batch, 4], data: Buffer.from(data.buffer).toString('base64') } } };
}

/** Y = X + sqrt(R - 0.5), R one seeded uniform draw per run: NaN on the runs whose draw is under 0.5. */
function noisyModel(seed: number): Uint8Array {
  return encode(
    model({
      name: 'noisy',
      node: [
        {
          name: 'noise',
          op_type: 'RandomUniform',
          output: ['R'],
          attribute: [
            { name: 'shape', type: AttrType.INTS, ints: [1] },
            { name: 'seed', type: AttrType.FLOAT, f: seed },
          ],
        },
        { name: 'centre', op_type: 'Sub', input: ['R', 'half'], output: ['D'] },
        { name: 'root', op_type: 'Sqrt', input: ['D'], output: ['S'] },
        { name: 'add', op_type: 'Add', input: ['X', 'S'], output: ['Y'] },
      ],
      initializer: [floatTensor('half', [1], 0.5)],
      input: [valueInfo('X', [1, 4])],
      output: [valueInfo('Y', [1, 4])],
    }),
  );
}

/**
 * A model that passes the agent's activation self-test and fails the one at the end of its healthy
 * window (NaN outputs), when nothing else runs it in between. onnxruntime's RandomUniform with a seed
 * draws the same sequence in every session, so the seed is chosen here by running the agent's own
 * selfTest twice on a session made with the agent's own options.
 */
export async function passesThenFailsModel(runs: number): Promise<Uint8Array> {
  const bounds = { maxLatencyMs: 600_000, runs };
  for (let seed = 1; seed <= 200; seed++) {
    const bytes = noisyModel(seed);
    const session = await ort.InferenceSession.create(bytes, sessionOptions);
    try {
      const first = await selfTest(session, bounds);
      if (!first.ok) continue;
      const second = await selfTest(session, bounds);
      if (!second.ok && second.finite === false) return bytes;
    } finally {
      await session.release();
    }
  }
  throw new Error('no seed in 1..200 gives a model that passes its first self-test and fails its second');
}

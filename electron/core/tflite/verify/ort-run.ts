// Runs an ONNX model (bytes or a file path) in onnxruntime-node on given inputs, one thread, outputs in graph order.
// The graph's inputs in order take the given tensors in order.
import type { NamedTensor, VerifyDType } from './tensor-data.js';

const ortTypes: Record<VerifyDType, string> = {
  float32: 'float32', float64: 'float64', int8: 'int8', uint8: 'uint8', int16: 'int16', uint16: 'uint16',
  int32: 'int32', uint32: 'uint32', int64: 'int64', bool: 'bool',
};

/**
 * `level` 'basic' runs the graph as written (QDQ pairs around float kernels: what the conversion says);
 * 'all' lets onnxruntime fuse QDQ groups into its integer kernels (what a deployment runs).
 */
export async function runOnnx(
  model: Uint8Array | string,
  inputs: NamedTensor[],
  opts: { timedRuns?: number; level?: 'basic' | 'all' } = {},
): Promise<{ outputs: NamedTensor[]; timedMs: number[] }> {
  const ort = await import('onnxruntime-node');
  const options = {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionProviders: ['cpu'],
    graphOptimizationLevel: opts.level ?? 'all',
    logSeverityLevel: 3,
  } as const;
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
  try {
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    session.inputNames.forEach((name, k) => {
      const t = inputs[k];
      if (!t) throw new Error(`the ONNX model has input "${name}" with no value to feed`);
      feeds[name] = new ort.Tensor(ortTypes[t.dtype] as 'float32', t.data as Float32Array, t.shape);
    });
    const result = await session.run(feeds);
    const timedMs: number[] = [];
    for (let i = 0; i < (opts.timedRuns ?? 0); i++) {
      const t0 = performance.now();
      await session.run(feeds);
      timedMs.push(performance.now() - t0);
    }
    const outputs = session.outputNames.map((name) => {
      const t = result[name];
      return { name, dtype: t.type as VerifyDType, shape: [...t.dims].map(Number), data: t.data as NamedTensor['data'] };
    });
    return { outputs, timedMs };
  } finally {
    await session.release();
  }
}

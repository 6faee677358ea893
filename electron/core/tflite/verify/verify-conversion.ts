// The proof of a conversion: the same seeded inputs through TFLite (the C library, in a child
// process) and through onnxruntime-node, outputs compared with agreement.ts's tolerances.
import type { ConversionAgreement } from '../../api/tflite-conversion.js';
import type { Conversion, ConvertedTensor } from '../to-onnx/convert.js';
import { NCHW_TO_NHWC, NHWC_TO_NCHW } from '../to-onnx/op-context.js';
import { permuteBytes } from '../to-onnx/tensor-values.js';
import { compareOutput, summarize } from './agreement.js';
import { runOnnx } from './ort-run.js';
import { REFERENCE_NAME, referenceAvailable, runReference } from './reference-runner.js';
import { seededInputs, type NamedTensor, type VerifyDType } from './tensor-data.js';

function permuted(t: NamedTensor, perm: readonly number[]): NamedTensor {
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const out = permuteBytes(bytes, t.shape, perm, t.data.BYTES_PER_ELEMENT);
  const copy = { ...t, shape: perm.map((p) => t.shape[p]), data: new (t.data.constructor as new (b: ArrayBuffer) => NamedTensor['data'])(out.buffer as ArrayBuffer) };
  return copy;
}

const moved = (c: Conversion, t: ConvertedTensor) => c.nchwIo && t.shape.length === 4;

/** ORT's outputs in TFLite's layout, for the comparison. */
async function onnxOutputs(bytes: Uint8Array, conversion: Conversion, inputs: NamedTensor[], level: 'basic' | 'all' = 'basic'): Promise<NamedTensor[]> {
  const feeds = conversion.inputs.map((ci) => {
    const t = inputs.find((i) => i.name === ci.tfliteName) ?? inputs[conversion.inputs.indexOf(ci)];
    return moved(conversion, ci) ? permuted(t, NHWC_TO_NCHW) : t;
  });
  const { outputs } = await runOnnx(bytes, feeds, { level });
  return outputs.map((o, k) => (conversion.outputs[k] && moved(conversion, conversion.outputs[k]) ? permuted(o, NCHW_TO_NHWC) : o));
}

async function fullyOptimised(bytes: Uint8Array, conversion: Conversion, inputs: NamedTensor[]): Promise<{ ok: true; outputs: NamedTensor[] } | { ok: false; why: string }> {
  try {
    return { ok: true, outputs: await onnxOutputs(bytes, conversion, inputs, 'all') };
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { ok: false, why: `the ONNX model does not run with onnxruntime's full graph optimisation, which devices use: ${why}` };
  }
}

function fusedNote(outputs: ConversionAgreement['outputs']): string {
  const f = outputs.filter((o) => o.fused);
  if (f.length === 0) return '';
  const max = Math.max(...f.map((o) => o.fused!.maxAbsDiff));
  const top1 = f.every((o) => o.fused!.top1Same !== false);
  return `; with onnxruntime's fused integer kernels: max ${max} quanta${top1 ? ', same top-1' : ', A DIFFERENT TOP-1'}`;
}

export async function verifyConversion(tflitePath: string, onnxBytes: Uint8Array, conversion: Conversion, seed: number): Promise<ConversionAgreement> {
  const available = await referenceAvailable();
  if (!available.ok) {
    // No reference: the conversion must at least run in onnxruntime on seeded inputs.
    const specs = conversion.inputs.map((i) => ({ name: i.tfliteName, dtype: i.dtype as VerifyDType, shape: i.shape }));
    const outs = await onnxOutputs(onnxBytes, conversion, seededInputs(specs, seed));
    const full = await fullyOptimised(onnxBytes, conversion, seededInputs(specs, seed));
    if (!full.ok) return { status: 'differs', reference: null, summary: full.why, seed, outputs: [] };
    return { status: 'unverified', reference: null, summary: `ran in onnxruntime (${outs.length} outputs); ${available.reason}`, seed, outputs: [] };
  }
  const ref = await runReference(tflitePath, 'seeded', { seed });
  if (!ref.ok) {
    const specs = conversion.inputs.map((i) => ({ name: i.tfliteName, dtype: i.dtype as VerifyDType, shape: i.shape }));
    const full = await fullyOptimised(onnxBytes, conversion, seededInputs(specs, seed));
    if (!full.ok) return { status: 'differs', reference: `${REFERENCE_NAME} ${available.version}`, summary: full.why, seed, outputs: [] };
    return { status: 'unverified', reference: `${REFERENCE_NAME} ${available.version}`, summary: `not compared: ${ref.reason}`, seed, outputs: [] };
  }
  let got: NamedTensor[];
  try {
    got = await onnxOutputs(onnxBytes, conversion, ref.inputs);
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { status: 'differs', reference: `${REFERENCE_NAME} ${available.version}`, summary: `the ONNX model did not run in onnxruntime: ${why}`, seed, outputs: [] };
  }
  // The proof is the graph as written ('basic': each QDQ pair dequantizes, the float op runs, the result is
  // quantized again). onnxruntime's fused integer kernels round on their own; for quantized outputs their
  // distance from TFLite is recorded beside it.
  // Devices load the model with full graph optimisation ('all'): a model that only runs as written is no use there.
  const full = await fullyOptimised(onnxBytes, conversion, ref.inputs);
  if (!full.ok) return { status: 'differs', reference: `${REFERENCE_NAME} ${available.version}`, summary: full.why, seed, outputs: [] };
  const fused = full.outputs;
  const outputs = conversion.outputs.map((co, k) => {
    const r = ref.outputs.find((o) => o.name === co.tfliteName) ?? ref.outputs[k];
    const g = got[k];
    if (!r || !g) return { name: co.name, kind: 'exact' as const, pass: false, maxAbsDiff: 0, why: 'an output is missing on one side' };
    const result = { ...compareOutput({ ...r, name: co.name }, g, co.quantization !== null), name: co.name };
    const f = fused?.[k];
    if (co.quantization !== null && f) {
      const c = compareOutput({ ...r, name: co.name }, f, true);
      result.fused = { maxAbsDiff: c.maxAbsDiff, ...(c.top1Same === undefined ? {} : { top1Same: c.top1Same }) };
    }
    return result;
  });
  return {
    status: outputs.every((o) => o.pass) ? 'agreed' : 'differs',
    reference: `${REFERENCE_NAME} ${available.version}`,
    summary: summarize(outputs) + fusedNote(outputs),
    seed,
    outputs,
  };
}

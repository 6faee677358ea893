// Writes a large, valid ONNX model for benchmarks: a chain of Gemm + Relu layers with float
// weights. Usage: npx tsx scripts/make-big-model.ts OUT.onnx [MB=100] [WIDTH=1024]
import { writeFileSync } from 'node:fs';
import { encodeModel, onnx } from '../electron/core/onnx/codec.js';

const [out, mbArg, widthArg] = process.argv.slice(2);
if (!out) {
  console.error('usage: npx tsx scripts/make-big-model.ts OUT.onnx [MB=100] [WIDTH=1024]');
  process.exit(2);
}
const width = Number(widthArg ?? 1024);
const layerBytes = (width * width + width) * 4;
const layers = Math.max(1, Math.round((Number(mbArg ?? 100) * 1024 * 1024) / layerBytes));

/** Deterministic small weights, so runs of the script give the same file. */
function weights(count: number, seed: number): Uint8Array {
  const values = new Float32Array(count);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = (state / 2 ** 32 - 0.5) / Math.sqrt(width);
  }
  return new Uint8Array(values.buffer);
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const initializer: onnx.ITensorProto[] = [];
const node: onnx.INodeProto[] = [];
let x = 'input';
for (let i = 0; i < layers; i++) {
  initializer.push(
    { name: `w${i}`, data_type: FLOAT, dims: [width, width], raw_data: weights(width * width, 2 * i + 1) },
    { name: `b${i}`, data_type: FLOAT, dims: [width], raw_data: weights(width, 2 * i + 2) },
  );
  const y = i === layers - 1 ? 'output' : `h${i}`;
  node.push({ name: `gemm${i}`, op_type: 'Gemm', input: [x, `w${i}`, `b${i}`], output: [`${y}_pre`], attribute: [
    { name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 },
  ] });
  node.push({ name: `relu${i}`, op_type: 'Relu', input: [`${y}_pre`], output: [y] });
  x = y;
}

const tensorType = (name: string): onnx.IValueInfoProto => ({
  name,
  type: { tensor_type: { elem_type: FLOAT, shape: { dim: [{ dim_param: 'batch' }, { dim_value: width }] } } },
});

const bytes = encodeModel({
  ir_version: 8,
  opset_import: [{ domain: '', version: 13 }],
  producer_name: 'edgefleet-make-big-model',
  graph: { name: 'gemm_chain', node, initializer, input: [tensorType('input')], output: [tensorType('output')] },
});
writeFileSync(out, bytes);
console.log(`${out}: ${layers} Gemm layers of ${width}x${width}, ${(bytes.length / 1024 / 1024).toFixed(1)} MB`);

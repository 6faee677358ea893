// The dense autoencoder as an ONNX model, so that serving stays on onnxruntime-node: input `window`
// [N, D], Gemm (+ Relu) per layer, outputs `reconstruction` [N, D] and `score` [N] (the mean squared
// error of each row, the anomaly score). Opset 13, where every onnxruntime in the fleet runs it and
// ReduceMean still takes its axes as an attribute. After a round only the initializers change: the
// weights are read from and written back into the graph a model version already has.
import { AppError } from '../../../../electron/core/api/errors.js';
import { attrFloat, attrInt } from '../../../../electron/core/onnx/attributes.js';
import { decodeModel, encodeModel, onnx } from '../../../../electron/core/onnx/codec.js';
import { DataType } from '../../../../electron/core/onnx/data-types.js';
import { isExternal, tensorDims, tensorRawBytes } from '../../../../electron/core/onnx/tensor-data.js';
import { DenseAutoencoder } from './dense-autoencoder.js';

export const autoencoderInput = 'window';
export const reconstructionOutput = 'reconstruction';
export const scoreOutput = 'score';
const opset = 13;

export interface AutoencoderOnnxOptions {
  /** Extra metadata_props (e.g. how the model was made). */
  metadata?: Record<string, string>;
}

/** Initializer names: `enc0`, `enc1`, … up to the narrowest layer, `dec0`, `dec1`, … after it. */
export function layerNames(sizes: readonly number[]): string[] {
  const hidden = sizes.slice(1, -1);
  const bottleneck = 1 + hidden.indexOf(Math.min(...hidden));
  return sizes.slice(1).map((_, k) => (k < bottleneck ? `enc${k}` : `dec${k - bottleneck}`));
}

export function autoencoderToOnnx(model: DenseAutoencoder, opts: AutoencoderOnnxOptions = {}): Uint8Array {
  const d = model.inputSize;
  const names = layerNames(model.sizes);
  const nodes: onnx.INodeProto[] = [];
  const initializers: onnx.ITensorProto[] = [];
  let x = autoencoderInput;
  model.layers.forEach((layer, k) => {
    const name = names[k];
    const last = k === model.layers.length - 1;
    initializers.push(floatTensor(`${name}.weight`, [layer.inputs, layer.outputs], layer.weight));
    initializers.push(floatTensor(`${name}.bias`, [layer.outputs], layer.bias));
    const out = last ? reconstructionOutput : `${name}.linear`;
    nodes.push({ op_type: 'Gemm', name: `${name}/Gemm`, input: [x, `${name}.weight`, `${name}.bias`], output: [out] });
    x = out;
    if (!last) {
      nodes.push({ op_type: 'Relu', name: `${name}/Relu`, input: [out], output: [`${name}.relu`] });
      x = `${name}.relu`;
    }
  });
  nodes.push(
    { op_type: 'Sub', name: 'score/Sub', input: [reconstructionOutput, autoencoderInput], output: ['score.error'] },
    { op_type: 'Mul', name: 'score/Mul', input: ['score.error', 'score.error'], output: ['score.squared'] },
    {
      op_type: 'ReduceMean',
      name: 'score/ReduceMean',
      input: ['score.squared'],
      output: [scoreOutput],
      attribute: [
        { name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [1] },
        { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 },
      ],
    },
  );
  const metadata = { 'edgefleet.kind': 'dense-autoencoder', 'edgefleet.layer_sizes': model.sizes.join(','), ...opts.metadata };
  return encodeModel(
    onnx.ModelProto.create({
      ir_version: 7,
      producer_name: 'edgefleet-federated',
      producer_version: '1',
      opset_import: [{ domain: '', version: opset }],
      doc_string: `Dense autoencoder ${model.sizes.join('→')}: ${scoreOutput} is the mean squared reconstruction error of each window.`,
      metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: 'dense_autoencoder',
        node: nodes,
        initializer: initializers,
        input: [valueInfo(autoencoderInput, [null, d])],
        output: [valueInfo(reconstructionOutput, [null, d]), valueInfo(scoreOutput, [null])],
      },
    }),
  );
}

/** The weights held in an autoencoder ONNX file, as a model to train. */
export function readAutoencoderWeights(bytes: Uint8Array): DenseAutoencoder {
  const layout = autoencoderLayout(decode(bytes));
  const model = new DenseAutoencoder(layout.sizes);
  layout.layers.forEach((tensors, k) => {
    model.layers[k].weight.set(floatValues(tensors.weight));
    model.layers[k].bias.set(floatValues(tensors.bias));
  });
  return model;
}

/** The same ONNX file with the model's weights in its initializers; nothing else changes. */
export function writeAutoencoderWeights(bytes: Uint8Array, model: DenseAutoencoder): Uint8Array {
  const decoded = decode(bytes);
  const layout = autoencoderLayout(decoded);
  if (layout.sizes.join(',') !== model.sizes.join(',')) {
    throw new AppError(
      'AUTOENCODER_SHAPE_MISMATCH',
      'Weights do not fit the model',
      `The ONNX autoencoder has layers ${layout.sizes.join('→')}; the weights are for ${model.sizes.join('→')}.`,
    );
  }
  layout.layers.forEach((tensors, k) => {
    setFloats(tensors.weight, model.layers[k].weight);
    setFloats(tensors.bias, model.layers[k].bias);
  });
  return encodeModel(decoded);
}

interface Layout {
  sizes: number[];
  layers: { weight: onnx.ITensorProto; bias: onnx.ITensorProto }[];
}

function notAutoencoder(detail: string): never {
  throw new AppError('AUTOENCODER_ONNX_INVALID', 'Not an EdgeFleet autoencoder', detail);
}

function decode(bytes: Uint8Array): onnx.ModelProto {
  try {
    return decodeModel(bytes);
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return notAutoencoder(`The bytes could not be decoded as ONNX (${message}).`);
  }
}

/**
 * Finds the Gemm chain from `window` to `reconstruction` (Relu between Gemms) and checks that each
 * Gemm multiplies by a float initializer [in, out] and adds one [out], and that in and out chain up.
 */
function autoencoderLayout(model: onnx.ModelProto): Layout {
  const graph = model.graph;
  const inputs = (graph?.input ?? []).map((v) => v.name ?? '');
  const outputs = (graph?.output ?? []).map((v) => v.name ?? '');
  if (!graph || !inputs.includes(autoencoderInput) || !outputs.includes(reconstructionOutput)) {
    const list = (names: string[]) => (names.length ? names.map((n) => `"${n}"`).join(', ') : 'none');
    notAutoencoder(`An autoencoder takes "${autoencoderInput}" and gives "${reconstructionOutput}"; this model takes ${list(inputs)} and gives ${list(outputs)}.`);
  }
  const producer = new Map<string, onnx.INodeProto>();
  for (const node of graph.node ?? []) for (const out of node.output ?? []) producer.set(out, node);
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));

  const gemms: onnx.INodeProto[] = [];
  let tensor = reconstructionOutput;
  while (tensor !== autoencoderInput) {
    const gemm = producer.get(tensor);
    if (gemm?.op_type !== 'Gemm') notAutoencoder(`"${tensor}" should come from a Gemm but comes from ${gemm ? `a ${gemm.op_type}` : 'no node'}.`);
    if (gemms.length > (graph.node?.length ?? 0)) notAutoencoder('Its Gemm chain loops.');
    gemms.unshift(gemm);
    tensor = gemm.input?.[0] ?? '';
    if (tensor === autoencoderInput) break;
    const relu = producer.get(tensor);
    if (relu?.op_type !== 'Relu') notAutoencoder(`"${tensor}" (the input of Gemm "${gemm.name}") should come from a Relu but comes from ${relu ? `a ${relu.op_type}` : 'no node'}.`);
    tensor = relu.input?.[0] ?? '';
  }

  const sizes: number[] = [];
  const layers = gemms.map((gemm) => {
    const label = `Gemm "${gemm.name ?? ''}"`;
    if (attrInt(gemm, 'transA', 0) !== 0 || attrInt(gemm, 'transB', 0) !== 0 || attrFloat(gemm, 'alpha', 1) !== 1 || attrFloat(gemm, 'beta', 1) !== 1) {
      notAutoencoder(`${label} transposes or scales (transA, transB, alpha or beta set); the trainer's layers are plain x·W + b.`);
    }
    const [weight, bias] = [1, 2].map((i) => {
      const name = gemm.input?.[i];
      const t = name ? initializers.get(name) : undefined;
      if (!t) notAutoencoder(`${label} has no initializer for its ${i === 1 ? 'weight' : 'bias'}${name ? ` ("${name}" is missing)` : ''}.`);
      if (t.data_type !== DataType.FLOAT || isExternal(t)) notAutoencoder(`Initializer "${name}" must be float32 stored in the model.`);
      return t;
    });
    const [wd, bd] = [tensorDims(weight), tensorDims(bias)];
    const previous = sizes.at(-1);
    if (wd.length !== 2 || bd.length !== 1 || bd[0] !== wd[1] || (previous !== undefined && wd[0] !== previous)) {
      notAutoencoder(`${label} has weight [${wd.join(', ')}] and bias [${bd.join(', ')}]; expected weight [${previous ?? 'D'}, out] and bias [out].`);
    }
    if (previous === undefined) sizes.push(wd[0]);
    sizes.push(wd[1]);
    return { weight, bias };
  });
  if (sizes.length < 3 || sizes[0] !== sizes.at(-1)) notAutoencoder(`Its layers ${sizes.join('→')} do not map D values back to D through at least one hidden layer.`);
  return { sizes, layers };
}

function floatValues(t: onnx.ITensorProto): Float32Array {
  const bytes = tensorRawBytes(t);
  const expected = tensorDims(t).reduce((a, b) => a * b, 1) * 4;
  if (!bytes || bytes.length !== expected) notAutoencoder(`Initializer "${t.name}" holds ${bytes?.length ?? 0} bytes; its shape needs ${expected}.`);
  // raw_data is little-endian, as are the x64 and arm64 hosts the agent runs on; copy for alignment.
  return new Float32Array(new Uint8Array(bytes).buffer);
}

function setFloats(t: onnx.ITensorProto, values: Float32Array): void {
  t.raw_data = new Uint8Array(values.slice().buffer);
  t.float_data = [];
}

function floatTensor(name: string, dims: number[], values: Float32Array): onnx.ITensorProto {
  return { name, data_type: DataType.FLOAT, dims, raw_data: new Uint8Array(values.slice().buffer) };
}

/** A float tensor's type; null dims are the batch (dim_param N). */
function valueInfo(name: string, dims: (number | null)[]): onnx.IValueInfoProto {
  const dim = dims.map((d) => (d === null ? { dim_param: 'N' } : { dim_value: d }));
  return { name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim } } } };
}

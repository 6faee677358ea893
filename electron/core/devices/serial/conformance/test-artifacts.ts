// Artifacts the tester uploads: tiny valid ONNX models (y = x + c, float32 [1, 4]), different bytes for each
// variant, that an agent's health check loads and runs and a store-only device keeps as they are.
import { createHash } from 'node:crypto';
import { encodeModel } from '../../../onnx/codec.js';
import { DataType } from '../../../onnx/data-types.js';
import { makeNode } from '../../../quantize/graph/nodes.js';
import { makeTensor } from '../../../quantize/graph/tensors.js';

export function tinyModel(variant: number): Uint8Array {
  const info = (name: string) => ({ name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: [{ dim_value: 1 }, { dim_value: 4 }] } } } });
  return encodeModel({
    ir_version: 8,
    producer_name: 'edgefleet-conformance',
    opset_import: [{ domain: '', version: 13 }],
    graph: {
      name: `conformance-${variant}`,
      node: [makeNode('Add', ['x', 'c'], ['y'], 'add')],
      initializer: [makeTensor('c', DataType.FLOAT, [1, 4], Float32Array.of(variant, variant + 0.5, variant + 1, variant + 1.5))],
      input: [info('x')],
      output: [info('y')],
    },
  });
}

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

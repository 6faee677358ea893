// Building NodeProtos and attributes.
import { onnx } from '../../onnx/generated/onnx.js';

const AT = onnx.AttributeProto.AttributeType;

export type AttrValue = number | number[] | string | onnx.ITensorProto | { float: number };

/** Integers become INT/INTS, `{ float }` FLOAT, strings STRING, objects TENSOR. */
export function makeAttr(name: string, value: AttrValue): onnx.IAttributeProto {
  if (typeof value === 'number') return { name, type: AT.INT, i: value };
  if (Array.isArray(value)) return { name, type: AT.INTS, ints: value };
  if (typeof value === 'string') return { name, type: AT.STRING, s: new TextEncoder().encode(value) };
  if ('float' in value) return { name, type: AT.FLOAT, f: value.float };
  return { name, type: AT.TENSOR, t: value };
}

export function makeNode(
  opType: string,
  inputs: string[],
  outputs: string[],
  name: string,
  attrs: Record<string, AttrValue> = {},
  domain = '',
): onnx.INodeProto {
  return {
    op_type: opType,
    input: inputs,
    output: outputs,
    name,
    domain: domain || undefined,
    attribute: Object.entries(attrs).map(([k, v]) => makeAttr(k, v)),
  };
}

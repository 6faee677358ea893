// Typed access to node attributes.
import type { onnx } from './generated/onnx.js';
import { toNumber } from './int64.js';

const utf8 = new TextDecoder();

export function attribute(node: onnx.INodeProto, name: string): onnx.IAttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

export function attrInt(node: onnx.INodeProto, name: string, fallback: number): number {
  const a = attribute(node, name);
  return a && a.i !== null && a.i !== undefined ? toNumber(a.i) : fallback;
}

export function attrInts(node: onnx.INodeProto, name: string): number[] | null {
  const a = attribute(node, name);
  return a ? (a.ints ?? []).map((v) => toNumber(v)) : null;
}

export function attrFloat(node: onnx.INodeProto, name: string, fallback: number): number {
  const a = attribute(node, name);
  return a && typeof a.f === 'number' ? a.f : fallback;
}

export function attrString(node: onnx.INodeProto, name: string, fallback: string): string {
  const a = attribute(node, name);
  return a?.s && a.s.length > 0 ? utf8.decode(a.s) : fallback;
}

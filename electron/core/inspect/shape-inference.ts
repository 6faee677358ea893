// A small forward shape-inference pass: seeds from graph inputs, initializers and declared
// value_info/outputs, then walks the nodes in order applying shape-ops rules.
import type { onnx } from '../onnx/generated/onnx.js';
import { tensorDims, tensorIntValues } from '../onnx/tensor-data.js';
import { inferOp, type OpResult } from './shape-ops.js';
import { mergeShapes, type Shape } from './shape-math.js';
import { valueInfoShape } from './tensor-info.js';

/** Shapes and small integer values by tensor name; a subgraph's table falls back to its parent's. */
export class ShapeTable {
  readonly shapes = new Map<string, Shape | null>();
  readonly values = new Map<string, number[]>();
  constructor(readonly parent: ShapeTable | null = null) {}

  /** Looks a name up here, then in the enclosing graphs' tables (subgraphs see outer values). */
  shape(name: string | undefined): Shape | null {
    if (!name) return null;
    if (this.shapes.has(name)) return this.shapes.get(name) ?? null;
    return this.parent ? this.parent.shape(name) : null;
  }

  value(name: string | undefined): number[] | null {
    if (!name) return null;
    return this.values.get(name) ?? (this.parent ? this.parent.value(name) : null);
  }
}

export function inferGraphShapes(graph: onnx.IGraphProto, parent: ShapeTable | null = null): ShapeTable {
  const table = new ShapeTable(parent);
  for (const vi of graph.input ?? []) if (vi.name) table.shapes.set(vi.name, valueInfoShape(vi));
  for (const t of graph.initializer ?? []) {
    if (!t.name) continue;
    table.shapes.set(t.name, tensorDims(t));
    const values = tensorIntValues(t);
    if (values) table.values.set(t.name, values);
  }
  const declared = new Map<string, Shape | null>();
  for (const vi of [...(graph.value_info ?? []), ...(graph.output ?? [])]) {
    if (vi.name) declared.set(vi.name, valueInfoShape(vi));
  }
  for (const node of graph.node ?? []) {
    const inputs = node.input ?? [];
    let result: OpResult | null = null;
    try {
      result = inferOp({
        node,
        shape: (i) => table.shape(inputs[i]),
        value: (i) => table.value(inputs[i]),
      });
    } catch {
      // A malformed attribute in one node must not stop the analysis of the others.
      result = null;
    }
    (node.output ?? []).forEach((name, i) => {
      if (!name) return;
      table.shapes.set(name, mergeShapes(declared.get(name), result?.shapes[i]));
      const values = result?.values?.[i];
      if (values) table.values.set(name, values);
    });
  }
  // Declared shapes of tensors no node produced (outer-scope reads in subgraphs, odd models).
  for (const [name, shape] of declared) if (!table.shapes.has(name)) table.shapes.set(name, shape);
  return table;
}

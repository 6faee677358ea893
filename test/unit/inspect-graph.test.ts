import { describe, expect, it } from 'vitest';
import { graphOf, modelGraph } from '../../electron/core/inspect/graph.js';
import { SAMPLE_MODEL } from '../fixtures/onnx-models.js';
import { nodeCount } from '../helpers/model-ops.js';

describe('modelGraph', () => {
  it('gives the sample as nodes with unique ids and edges by tensor', async () => {
    const g = await modelGraph(SAMPLE_MODEL);
    expect(g.nodes).toHaveLength(nodeCount(SAMPLE_MODEL));
    expect(new Set(g.nodes.map((n) => n.id)).size).toBe(g.nodes.length);
    expect(g.inputs).toEqual(['input']);
    expect(g.outputs).toEqual(['logits']);
    const ids = new Set(g.nodes.map((n) => n.id));
    for (const e of g.edges) {
      expect(ids.has(e.from) && ids.has(e.to)).toBe(true);
      expect(g.nodes.find((n) => n.id === e.from)!.outputs).toContain(e.tensor);
      expect(g.nodes.find((n) => n.id === e.to)!.inputs).toContain(e.tensor);
    }
    // Every Conv but the first reads the output of another node.
    const convs = g.nodes.filter((n) => n.opType === 'Conv');
    expect(g.edges.filter((e) => convs.some((c) => c.id === e.to)).length).toBe(convs.length - 1);
  });

  it('makes ids unique when names are empty or repeated', () => {
    const g = graphOf({
      node: [
        { name: '', op_type: 'Relu', input: ['x'], output: ['a'] },
        { name: 'same', op_type: 'Relu', input: ['a'], output: ['b'] },
        { name: 'same', op_type: 'Relu', input: ['b'], output: ['c'] },
        { name: '', op_type: 'Add', input: ['a', 'c'], output: ['y'] },
      ],
      input: [{ name: 'x' }],
      output: [{ name: 'y' }],
    });
    expect(g.nodes.map((n) => n.id)).toEqual(['Relu_0', 'same', 'same#2', 'Add_3']);
    expect(g.edges).toEqual([
      { from: 'Relu_0', to: 'same', tensor: 'a' },
      { from: 'same', to: 'same#2', tensor: 'b' },
      { from: 'Relu_0', to: 'Add_3', tensor: 'a' },
      { from: 'same#2', to: 'Add_3', tensor: 'c' },
    ]);
  });
});
